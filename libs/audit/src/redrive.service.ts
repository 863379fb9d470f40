import { Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@app/database';
import {
  type DeadLetter,
  EVENT_HEADER,
  EventSchemasService,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  nextRedriveCount,
  OutboxService,
  redriveDeadLetter,
  RedriveRefusedError,
  redriveTarget,
} from '@app/messaging';
import type { Principal } from '@app/platform';
import { AdminActionRepository, type NewAdminAction } from './admin-action.repository.js';
import { AuditErrorCode } from './audit.exception.js';
import type { EventLogEntry } from './entities/event-log-entry.entity.js';
import { EventLogRepository } from './event-log.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RedriveRefusal {
  ok: false;
  code: AuditErrorCode.AlreadyRedriven | AuditErrorCode.RedriveRefused;
  detail: string;
}

/** A logged dead letter that passed every check: the record to send and the topic it goes back to. */
export interface Redrivable {
  ok: true;
  letter: EventLogEntry;
  dead: DeadLetter;
  target: string;
}

/** A dead letter sent back to `target`; actionId is its accepted dlq.redrive row. */
export interface Redriven {
  ok: true;
  target: string;
  actionId: string;
}

const refused = (code: RedriveRefusal['code'], detail: string): RedriveRefusal => ({
  ok: false,
  code,
  detail,
});

const alreadyRedriven = (letter: EventLogEntry): RedriveRefusal =>
  refused(AuditErrorCode.AlreadyRedriven, `dead letter ${letter.id} was already redriven`);

/**
 * The checks a logged dead letter passes before it may go back, but for provenance (which needs the log): sent at
 * most once from the log, whole, with an id the outbox can carry, to the topic whose DLQ holds it, as an event that
 * topic carries (redriveTarget), and below the redrive cap.
 */
export function checkDeadLetter(
  letter: EventLogEntry,
  redriven: boolean,
  prefix: string,
  schemas: EventSchemasService,
): Redrivable | RedriveRefusal {
  // The unique index on accepted redrives settles a race; this spares the usual case a failing INSERT.
  if (redriven) {
    return alreadyRedriven(letter);
  }
  const value = letter.rawValue ?? (letter.payload === null ? null : JSON.stringify(letter.payload));
  if (value === null) {
    return refused(AuditErrorCode.RedriveRefused, 'the dead letter has no value to send');
  }
  const eventId = letter.headers[EVENT_HEADER.id];
  if (eventId !== undefined && !UUID.test(eventId)) {
    // The outbox keys rows by event id (a uuid): a record with another id cannot travel through it.
    return refused(AuditErrorCode.RedriveRefused, `its ${EVENT_HEADER.id} header is not a uuid`);
  }
  if (letter.ingestError !== null) {
    return refused(AuditErrorCode.RedriveRefused, 'the log holds only part of this record');
  }
  const dead: DeadLetter = {
    topic: letter.topic,
    key: letter.recordKey ?? letter.tenantId ?? 'unknown',
    value,
    headers: letter.headers,
  };
  try {
    const target = redriveTarget(dead, prefix, schemas);
    nextRedriveCount(dead);
    return { ok: true, letter, dead, target };
  } catch (error) {
    if (error instanceof RedriveRefusedError) {
      return refused(AuditErrorCode.RedriveRefused, error.message);
    }
    throw error;
  }
}

/**
 * Putting one logged dead letter back on its topic: the one way the single and the bulk redrive check and send it.
 * Audit may write every topic, any consumer of a topic may write its DLQ: only a record the topic already carried
 * goes back (redriveTarget and EventLogRepository.carried say why others do not).
 */
@Injectable()
export class RedriveService {
  constructor(
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    private readonly outbox: OutboxService,
    private readonly schemas: EventSchemasService,
    private readonly log: EventLogRepository,
    private readonly actions: AdminActionRepository,
  ) {}

  /** The admin action row of redriving this dead letter, accepted unless changed. */
  actionOn(letter: EventLogEntry, reason: string): NewAdminAction {
    return {
      action: 'dlq.redrive',
      result: 'accepted',
      targetRecordId: letter.id,
      targetEventId: letter.eventId,
      targetTopic: letter.topic,
      orderId: letter.orderId,
      reason,
    };
  }

  async check(letter: EventLogEntry, redriven: boolean): Promise<Redrivable | RedriveRefusal> {
    const checked = checkDeadLetter(letter, redriven, this.settings.topicPrefix, this.schemas);
    if (checked.ok && !(await this.log.carried(checked.target, letter))) {
      return refused(
        AuditErrorCode.RedriveRefused,
        `${checked.target} never carried this event as the dead letter has it: only what its producer published goes back`,
      );
    }
    return checked;
  }

  /**
   * Republishes the dead letter, unchanged but for its dlq_* headers, through the audit outbox; its accepted action
   * row commits in the same transaction, and the unique index on accepted redrives refuses a second one, also one
   * racing this. Once per logged dead letter: the record it produces is logged as a new fact and, should it fail
   * again, comes back as a new dead letter.
   */
  async send(
    principal: Principal,
    { letter, dead }: Redrivable,
    reason: string,
    batch?: string,
  ): Promise<Redriven | RedriveRefusal> {
    try {
      return await this.outbox.transaction(async (uow) => {
        const target = await redriveDeadLetter(uow, dead);
        const detail = `redriven to ${target}${batch === undefined ? '' : ` by batch ${batch}`}`;
        const recorded = await this.actions.record(uow.manager, principal, {
          ...this.actionOn(letter, reason),
          detail,
        });
        return { ok: true as const, target, actionId: recorded.id };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        return alreadyRedriven(letter);
      }
      if (error instanceof RedriveRefusedError) {
        return refused(AuditErrorCode.RedriveRefused, error.message);
      }
      throw error;
    }
  }
}
