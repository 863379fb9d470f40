import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '@app/platform';
import { AdminActionRepository } from './admin-action.repository.js';
import type { BulkRedriveItem, BulkRedriveResult } from './admin-api.view.js';
import { AuditErrorCode } from './audit.exception.js';
import { BULK_REDRIVE_CAP, type BulkRedriveDto, selectionOf } from './dto/bulk-redrive.dto.js';
import type { EventLogEntry } from './entities/event-log-entry.entity.js';
import { EventLogRepository } from './event-log.repository.js';
import { RedriveService } from './redrive.service.js';

const itemOf = (letter: EventLogEntry): BulkRedriveItem => ({
  id: letter.id,
  eventId: letter.eventId,
  type: letter.type,
  topic: letter.topic,
});

/**
 * Ids the operator named that this call should have met (after the cursor, up to where it stopped) but the
 * selection did not: not dead letters of this environment, or outside the other criteria.
 */
export function unmatchedIds(
  ids: string[] | undefined,
  matched: { id: string }[],
  after: string | undefined,
  upTo: string | null,
): string[] {
  const seen = new Set(matched.map((row) => row.id));
  return (ids ?? [])
    .filter((id) => !seen.has(id))
    .filter((id) => after === undefined || BigInt(id) > BigInt(after))
    .filter((id) => upTo === null || BigInt(id) <= BigInt(upTo))
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

/**
 * Redriving the dead letters a selection matches, each checked and sent as a single redrive is (RedriveService):
 * its outbox row and its accepted dlq.redrive row commit together, so the unique index on accepted redrives keeps
 * every dead letter to one redrive, also between overlapping batches. A refused record does not stop the batch.
 * The batch itself is one dlq.redrive_batch row: who, why, the selection, and how many went and were refused.
 */
@Injectable()
export class BulkRedriveService {
  constructor(
    private readonly log: EventLogRepository,
    private readonly actions: AdminActionRepository,
    private readonly redrives: RedriveService,
  ) {}

  async redrive(principal: Principal, dto: BulkRedriveDto): Promise<BulkRedriveResult> {
    const selection = selectionOf(dto.selection);
    const limit = dto.limit ?? BULK_REDRIVE_CAP;
    const rows = await this.log.selectDeadLetters(selection, limit + 1, dto.cursor);
    const page = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? (page.at(-1)?.id ?? null) : null;
    const result: BulkRedriveResult = {
      dryRun: dto.dryRun !== false,
      redriven: [],
      refused: unmatchedIds(selection.ids, page, dto.cursor, nextCursor).map((id) => ({
        id,
        eventId: null,
        type: null,
        topic: null,
        code: AuditErrorCode.RecordNotFound,
        detail: 'no dead letter of this environment with this id matches the selection',
      })),
      nextCursor,
      actionId: null,
    };
    const batch = result.dryRun ? undefined : randomUUID();
    for (const row of page) {
      const checked = await this.redrives.check(row, row.redriven);
      const outcome =
        checked.ok && batch !== undefined
          ? await this.redrives.send(principal, checked, dto.reason ?? '', batch)
          : checked;
      if (outcome.ok) {
        result.redriven.push({ ...itemOf(row), redrivenTo: outcome.target });
      } else {
        result.refused.push({ ...itemOf(row), code: outcome.code, detail: outcome.detail });
      }
    }
    if (batch === undefined) {
      return result;
    }
    const recorded = await this.actions.recordAlone(principal, {
      action: 'dlq.redrive_batch',
      result: result.redriven.length > 0 ? 'accepted' : 'refused',
      reason: dto.reason,
      detail: JSON.stringify({
        batch,
        selection: dto.selection,
        limit,
        cursor: dto.cursor ?? null,
        redriven: result.redriven.length,
        refused: result.refused.length,
        // The trail keeps which were refused and the code; the answer also gives each reason in full.
        refusedIds: Object.fromEntries(result.refused.map((r) => [r.id, r.code])),
        nextCursor,
      }),
    });
    return { ...result, actionId: recorded.id };
  }
}
