import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { transaction } from '@app/database';
import { Notification } from './entities/notification.entity.js';

/** All database I/O of the notifications module. */
@Injectable()
export class NotificationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return transaction(this.dataSource, work);
  }

  /** False when the notification is already recorded (a redelivered request): nothing is written then. */
  async insertIfNew(manager: EntityManager, notification: Notification): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(Notification)
      .values(notification)
      .orIgnore()
      .returning(['id'])
      .execute();
    return result.raw instanceof Array && result.raw.length > 0;
  }

  /**
   * Claims the most overdue pending notification, skipping rows another poller holds: the lock lasts until the
   * delivery's transaction ends, so one row is sent by one process at a time. `more`: the claim saw another row
   * due (a hint for the poller: it counts rows other claims hold as well).
   */
  async claimDue(manager: EntityManager): Promise<{ notification: Notification; more: boolean } | null> {
    const rows: { id: string; more: boolean }[] = await manager.query(
      `SELECT n.id,
              EXISTS (SELECT FROM notifications.notification o
                       WHERE o.status = 'pending' AND o.next_attempt_at <= clock_timestamp() AND o.id <> n.id) AS more
         FROM notifications.notification n
        WHERE n.status = 'pending' AND n.next_attempt_at <= clock_timestamp()
        ORDER BY n.next_attempt_at LIMIT 1
          FOR UPDATE OF n SKIP LOCKED`,
    );
    const claimed = rows[0];
    return claimed
      ? { notification: await manager.findOneByOrFail(Notification, { id: claimed.id }), more: claimed.more }
      : null;
  }

  /** Persists the row; a pending one becomes due retryAfterMs from now by the database's clock. */
  async save(manager: EntityManager, notification: Notification, retryAfterMs = 0): Promise<void> {
    notification.updatedAt = new Date();
    const { id, nextAttemptAt: _nextAttemptAt, ...columns } = notification;
    const delayMs = Math.max(0, Math.round(retryAfterMs));
    await manager.update(
      Notification,
      { id },
      { ...columns, nextAttemptAt: () => `clock_timestamp() + interval '${delayMs} milliseconds'` },
    );
  }
}
