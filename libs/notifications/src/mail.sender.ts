import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { AppConfig, refuseDevMailCatcher } from '@app/platform';
import type { RenderedMessage } from './notification.templates.js';

/** The SMTP reply of a failed send, when the server gave one. */
export interface SendFailure {
  message: string;
  responseCode?: number;
  command?: string;
}

/** Hands messages to the SMTP relay named by SMTP_URL, from MAIL_FROM (never the development catcher in production). */
@Injectable()
export class MailSender implements OnModuleDestroy {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(private readonly config: AppConfig) {
    refuseDevMailCatcher(config);
    // A hung relay must not hold a claimed row for long. One pooled connection per mail in flight: a connection
    // per mail would spend most of each send on the TCP and SMTP handshakes.
    this.transport = nodemailer.createTransport({
      url: config.SMTP_URL,
      pool: true,
      maxConnections: config.MAIL_CONCURRENCY,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    } as SMTPTransport.Options);
  }

  /** Resolves with the provider's message id once the relay accepted the message for every recipient. */
  async send(to: string, message: RenderedMessage): Promise<string> {
    const info = await this.transport.sendMail({
      from: this.config.MAIL_FROM,
      to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
    if (info.rejected.length > 0) {
      throw Object.assign(new Error(`recipient rejected: ${info.response}`), { responseCode: 550 });
    }
    return info.messageId;
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}

export function sendFailureOf(error: unknown): SendFailure {
  if (error instanceof Error) {
    const { responseCode, command } = error as Error & { responseCode?: number; command?: string };
    return { message: error.message, responseCode, command };
  }
  return { message: String(error) };
}
