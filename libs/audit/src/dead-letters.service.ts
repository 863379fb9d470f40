import { Inject, Injectable } from '@nestjs/common';
import { MESSAGING_SETTINGS, type MessagingSettings } from '@app/messaging';
import type { Principal } from '@app/platform';
import { AdminActionRepository } from './admin-action.repository.js';
import { AuditErrorCode, AuditException } from './audit.exception.js';
import type { DeadLetterListItem, Page, RedriveAccepted } from './admin-api.view.js';
import { pageOf, toEventView } from './audit.view.js';
import { DEFAULT_LIMIT } from './dto/audit-page.query.js';
import type { ListDeadLettersQuery } from './dto/list-dead-letters.query.js';
import { EventLogRepository } from './event-log.repository.js';
import { RedriveService } from './redrive.service.js';

/** The dead letters the log holds, and putting one back on its topic on an operator's word. */
@Injectable()
export class DeadLettersService {
  constructor(
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    private readonly log: EventLogRepository,
    private readonly actions: AdminActionRepository,
    private readonly redrives: RedriveService,
  ) {}

  private get prefix(): string {
    return this.settings.topicPrefix;
  }

  async list(query: ListDeadLettersQuery): Promise<Page<DeadLetterListItem>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const topic =
      query.topic === undefined || query.topic.startsWith(this.prefix)
        ? query.topic
        : this.prefix + query.topic;
    const rows = await this.log.deadLetters(limit + 1, topic, query.cursor);
    return pageOf(rows, limit, (row) => ({ ...toEventView(row), redriven: row.redriven }));
  }

  /**
   * Puts the dead letter back on its topic (RedriveService says how and when not); every refusal is recorded in the
   * admin trail with its reason.
   */
  async redrive(principal: Principal, id: string, reason: string): Promise<RedriveAccepted> {
    const letter = /^[1-9]\d{0,17}$/.test(id) ? await this.log.byId(id) : null;
    if (!letter) {
      throw new AuditException(AuditErrorCode.RecordNotFound);
    }
    if (!letter.isDeadLetter) {
      throw new AuditException(AuditErrorCode.NotADeadLetter, `record ${id} is on ${letter.topic}`);
    }
    const checked = await this.redrives.check(letter, await this.actions.wasRedriven(letter.id));
    const sent = checked.ok ? await this.redrives.send(principal, checked, reason) : checked;
    if (!sent.ok) {
      const action = { ...this.redrives.actionOn(letter, reason), result: 'refused' as const };
      await this.actions.recordAlone(principal, { ...action, detail: sent.detail });
      throw new AuditException(sent.code, sent.detail);
    }
    return { redrivenTo: sent.target, actionId: sent.actionId };
  }
}
