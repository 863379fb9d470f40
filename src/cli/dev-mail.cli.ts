// `npm start`'s mail server: SMTP on 127.0.0.1:1025 (the development SMTP_URL) keeping every message under
// .run/mail (.eml as received, .txt its text part) and naming it on stdout, so a developer can open the sign-up link and the other mails. It
// ends with the process that started it. Never part of a deployment: production sends through a real SMTP_URL.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { mailBodies } from './mail-bodies.js';

const port = Number(process.env.DEV_MAIL_PORT ?? 1025);
const dir = process.env.DEV_MAIL_DIR ?? join(process.cwd(), '.run', 'mail');
mkdirSync(dir, { recursive: true });
let count = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData: (stream, session, callback) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
      const subject = /^subject:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? '';
      const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${++count}.eml`);
      writeFileSync(file, raw);
      // The text part decoded, beside it: links are whole there (quoted-printable would break and escape them).
      writeFileSync(
        file.replace(/\.eml$/, '.txt'),
        `To: ${to}\nSubject: ${subject}\n\n${mailBodies(raw).text}`,
      );
      process.stdout.write(`[mail] to ${to}: ${subject} (${file})\n`);
      callback();
    });
  },
});

server.listen(port, '127.0.0.1', () =>
  process.stdout.write(`[mail] SMTP on 127.0.0.1:${port}, mails in ${dir}\n`),
);
server.on('error', (error: Error) => {
  process.stderr.write(`[mail] ${error.message}\n`);
  process.exit(1);
});
// Its starter execs the monolith under the same pid: when that ends, so does this.
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    server.close(() => process.exit(0));
  }
}, 2_000).unref();
