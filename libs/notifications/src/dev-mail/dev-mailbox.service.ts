import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import { NotificationsErrorCode, NotificationsException } from '../notifications.exception.js';
import { mailBodies } from './mail-bodies.js';

export interface CaughtMailSummary {
  id: string;
  from: string;
  to: string;
  subject: string;
  date: string;
}

export interface CaughtMailView extends CaughtMailSummary {
  headers: { name: string; value: string }[];
  text: string;
  /** The HTML part as sent; the console shows it in a sandboxed frame (no scripts, no requests). */
  html: string;
}

export interface CaughtMailPage {
  items: CaughtMailSummary[];
  /** Pass as `before` for the next (older) page; null on the last one. */
  next: string | null;
}

const ID = /^[0-9TZ-]{20,40}-\d{1,9}$/;
const MAX_PAGE = 100;

/**
 * The development mail catcher's messages, newest first, read from DEV_MAIL_DIR: what the platform sent, as the
 * customer received it. Unavailable (404) in production and wherever no catcher directory is configured.
 */
@Injectable()
export class DevMailboxService {
  constructor(private readonly config: AppConfig) {}

  async page(before: string | undefined, limit: number): Promise<CaughtMailPage> {
    const dir = this.directory();
    if (before !== undefined && !ID.test(before)) {
      throw new NotificationsException(NotificationsErrorCode.MailNotFound, 'not a caught mail id');
    }
    const size = Math.min(Math.max(1, limit), MAX_PAGE);
    const ids = (await readdir(dir).catch(() => []))
      .filter((name) => name.endsWith('.eml'))
      .map((name) => name.slice(0, -4))
      .filter((id) => ID.test(id) && (before === undefined || id < before))
      .sort()
      .reverse();
    const chosen = ids.slice(0, size);
    const items = await Promise.all(chosen.map(async (id) => summary(id, await this.raw(dir, id))));
    return { items, next: ids.length > size ? (chosen.at(-1) ?? null) : null };
  }

  async get(id: string): Promise<CaughtMailView> {
    const dir = this.directory();
    if (!ID.test(id)) {
      throw new NotificationsException(NotificationsErrorCode.MailNotFound, 'not a caught mail id');
    }
    const raw = await this.raw(dir, id);
    const { text, html } = mailBodies(raw);
    return { ...summary(id, raw), headers: headersOf(raw), text, html };
  }

  private directory(): string {
    if (this.config.NODE_ENV === 'production' || this.config.DEV_MAIL_DIR === '') {
      throw new NotificationsException(
        NotificationsErrorCode.DevMailOff,
        'only `npm start` catches mail (DEV_MAIL_DIR); production sends it',
      );
    }
    return this.config.DEV_MAIL_DIR;
  }

  private async raw(dir: string, id: string): Promise<string> {
    try {
      return await readFile(join(dir, `${id}.eml`), 'utf8');
    } catch {
      throw new NotificationsException(NotificationsErrorCode.MailNotFound, `no caught mail ${id}`);
    }
  }
}

function headersOf(raw: string): { name: string; value: string }[] {
  const end = raw.indexOf('\r\n\r\n');
  return raw
    .slice(0, end < 0 ? raw.length : end)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')
    .flatMap((line) => {
      const colon = line.indexOf(':');
      return colon > 0 ? [{ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() }] : [];
    });
}

function summary(id: string, raw: string): CaughtMailSummary {
  const headers = headersOf(raw);
  const header = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value ?? '';
  return { id, from: header('from'), to: header('to'), subject: header('subject'), date: header('date') };
}
