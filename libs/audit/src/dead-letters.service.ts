import { Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@app/database';
import {
  type DeadLetter,
  EVENT_HEADER,
  EventSchemas,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  Outbox,
  redriveDeadLetter,
  RedriveRefusedError,
  redriveTarget,
} from '@app/messaging';
import type { Principal } from '@app/platform';
import { AdminActionRepository, type NewAdminAction } from './admin-action.repository.js';
import { AuditErrorCode, AuditException } from './audit.exception.js';
import { pageOf, toEventView, type AuditEventView, type Page } from './audit.view.js';
import { DEFAULT_LIMIT } from './dto/audit-page.query.js';
import type { ListDeadLettersQuery } from './dto/list-dead-letters.query.js';
import { EventLogRepository } from './event-log.repository.js';

export type DeadLetterListItem = AuditEventView & { redriven: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The dead letters the log holds, and putting one back on its topic on an operator's word. */
@Injectable()
export class DeadLettersService {
  constructor(
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    private readonly outbox: Outbox,
    private readonly schemas: EventSchemas,
    private readonly log: EventLogRepository,
    private readonly actions: AdminActionRepository,
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
    const rows = await this.log.deadLetters(this.prefix, limit + 1, topic, query.cursor);
    return pageOf(rows, limit, (row) => ({ ...toEventView(row), redriven: row.redriven }));
  }

  /**
   * Republishes the dead letter, unchanged but for its dlq_* headers, to its original topic through the audit
   * outbox; the action row commits in the same transaction. Once per logged dead letter: the record it produces is
   * logged as a new fact and, should it fail again, comes back as a new dead letter. Audit may write every topic,
   * any consumer of a topic may write its DLQ: only a record the topic already carried goes back (redriveTarget and
   * EventLogRepository.carried say why others do not), and every refusal is recorded with its reason.
   */
  async redrive(
    principal: Principal,
    id: string,
    reason: string,
  ): Promise<{ redrivenTo: string; actionId: string }> {
    const letter = /^[1-9]\d{0,17}$/.test(id) ? await this.log.byId(this.prefix, id) : null;
    if (!letter) {
      throw new AuditException(AuditErrorCode.RecordNotFound);
    }
    if (!letter.isDeadLetter) {
      throw new AuditException(AuditErrorCode.NotADeadLetter, `record ${id} is on ${letter.topic}`);
    }
    const action: NewAdminAction = {
      action: 'dlq.redrive',
      result: 'accepted',
      targetRecordId: letter.id,
      targetEventId: letter.eventId,
      targetTopic: letter.topic,
      orderId: letter.orderId,
      reason,
    };
    const refuse = async (code: AuditErrorCode, detail: string): Promise<never> => {
      await this.actions.record(this.prefix, principal, { ...action, result: 'refused', detail });
      throw new AuditException(code, detail);
    };
    // The unique index on accepted redrives settles a race; this spares the usual case a failing INSERT.
    if (await this.actions.wasRedriven(letter.id)) {
      return refuse(AuditErrorCode.AlreadyRedriven, `dead letter ${id} was already redriven`);
    }
    const value = letter.rawValue ?? (letter.payload === null ? null : JSON.stringify(letter.payload));
    if (value === null) {
      return refuse(AuditErrorCode.RedriveRefused, 'the dead letter has no value to send');
    }
    const eventId = letter.headers[EVENT_HEADER.id];
    if (eventId !== undefined && !UUID.test(eventId)) {
      // The outbox keys rows by event id (a uuid): a record with another id cannot travel through it.
      return refuse(AuditErrorCode.RedriveRefused, `its ${EVENT_HEADER.id} header is not a uuid`);
    }
    if (letter.ingestError !== null) {
      return refuse(AuditErrorCode.RedriveRefused, 'the log holds only part of this record');
    }
    const dead: DeadLetter = {
      topic: letter.topic,
      key: letter.recordKey ?? letter.tenantId ?? 'unknown',
      value,
      headers: letter.headers,
    };
    let target: string;
    try {
      target = redriveTarget(dead, this.prefix, this.schemas);
    } catch (error) {
      if (error instanceof RedriveRefusedError) {
        return refuse(AuditErrorCode.RedriveRefused, error.message);
      }
      throw error;
    }
    if (!(await this.log.carried(this.prefix, target, letter))) {
      return refuse(
        AuditErrorCode.RedriveRefused,
        `${target} never carried this event as the dead letter has it: only what its producer published goes back`,
      );
    }
    try {
      return await this.outbox.transaction(async (uow) => {
        const redrivenTo = await redriveDeadLetter(uow, dead);
        const recorded = await this.actions.record(
          this.prefix,
          principal,
          { ...action, detail: `redriven to ${redrivenTo}` },
          uow.manager,
        );
        return { redrivenTo, actionId: recorded.id };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        return refuse(AuditErrorCode.AlreadyRedriven, `dead letter ${id} was already redriven`);
      }
      if (error instanceof RedriveRefusedError) {
        return refuse(AuditErrorCode.RedriveRefused, error.message);
      }
      throw error;
    }
  }
}
