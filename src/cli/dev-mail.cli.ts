// `npm start`'s mail server: SMTP on 127.0.0.1:1025 (the development SMTP_URL) keeping every message under
// .run/mail (DEV_MAIL_DIR, which the console's Mail tab reads) and naming it on stdout, so a developer can open the
// sign-up link and the other mails. It ends with the process that started it. Never part of a deployment: production
// sends through a real SMTP_URL and refuses this one.
import { join } from 'node:path';
import { startDevMailCatcher } from '@app/notifications';

const port = Number(process.env.DEV_MAIL_PORT ?? 1025);
const dir = process.env.DEV_MAIL_DIR || join(process.cwd(), '.run', 'mail');

const server = await startDevMailCatcher({
  port,
  dir,
  onMail: ({ to, subject, file }) => process.stdout.write(`[mail] to ${to}: ${subject} (${file})\n`),
}).catch((error: Error) => {
  process.stderr.write(`[mail] ${error.message}\n`);
  process.exit(1);
});
process.stdout.write(`[mail] SMTP on 127.0.0.1:${port}, mails in ${dir}\n`);
// Its starter execs the monolith under the same pid: when that ends, so does this.
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    server.close(() => process.exit(0));
  }
}, 2_000).unref();
