import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { mailBodies } from './mail-bodies.js';

export interface CaughtMail {
  id: string;
  to: string;
  subject: string;
  file: string;
}

/** The name a caught message is kept under: its arrival time, then a counter, so names sort by arrival. */
export function caughtMailId(at: Date, count: number): string {
  return `${at.toISOString().replace(/[:.]/g, '-')}-${String(count).padStart(6, '0')}`;
}

/**
 * `npm start`'s mail server: SMTP keeping every message in `dir` (`<id>.eml` as received, `<id>.txt` its text part,
 * links whole there) for the developer and the console's Mail tab. Never part of a deployment: production refuses it
 * as its SMTP_URL and refuses DEV_MAIL_DIR.
 */
/** One message an SMTP sink was handed: its envelope recipients, subject (unfolded) and raw text. */
export interface SunkMail {
  to: string[];
  subject: string;
  raw: string;
}

/**
 * A real SMTP server (no auth, no TLS) that hands every message to `onMail` and accepts it: the development
 * catcher's and the test suites' mail server.
 */
export function createMailSink(onMail: (mail: SunkMail) => void): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
        onMail({
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^subject:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? '',
          raw,
        });
        callback();
      });
    },
  });
}

/**
 * `npm start`'s mail server: SMTP keeping every message in `dir` (`<id>.eml` as received, `<id>.txt` its text part,
 * links whole there) for the developer and the console's Mail tab. Never part of a deployment: production refuses it
 * as its SMTP_URL and refuses DEV_MAIL_DIR.
 */
export function startDevMailCatcher(options: {
  port: number;
  dir: string;
  host?: string;
  onMail?: (mail: CaughtMail) => void;
}): Promise<SMTPServer> {
  mkdirSync(options.dir, { recursive: true });
  let count = 0;
  const server = createMailSink(({ to, subject, raw }) => {
    const id = caughtMailId(new Date(), ++count);
    const file = join(options.dir, `${id}.eml`);
    writeFileSync(file, raw);
    writeFileSync(
      join(options.dir, `${id}.txt`),
      `To: ${to.join(', ')}\nSubject: ${subject}\n\n${mailBodies(raw).text}`,
    );
    options.onMail?.({ id, to: to.join(', '), subject, file });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
