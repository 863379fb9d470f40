import type { AddressInfo } from 'node:net';
import { createMailSink, type SunkMail } from '@app/notifications';

export type CaughtMail = SunkMail;

/** A real SMTP server on a free loopback port that keeps every message it is handed. */
export class MailCatcher {
  readonly received: CaughtMail[] = [];
  private readonly server = createMailSink((mail) => this.received.push(mail));

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Subjects of the messages sent to one address, in arrival order. */
  subjectsTo(recipient: string): string[] {
    return this.received.filter((m) => m.to.includes(recipient)).map((m) => m.subject);
  }
}
