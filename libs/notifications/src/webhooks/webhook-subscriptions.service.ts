import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotificationListener } from '@app/database';
import { AppConfig } from '@app/platform';
import { ALL_EVENTS } from './webhook-events.js';
import { WebhookRepository } from './webhook.repository.js';

/** NOTIFYed by a trigger on notifications.webhook_endpoints with the tenant whose endpoints changed ('' for all). */
export const WEBHOOK_ENDPOINTS_CHANNEL = 'platforma_webhook_endpoints';
/** Tenants remembered at most; past it the longest-known is forgotten (and read again when next asked about). */
const MAX_TENANTS = 10_000;

/**
 * Which event filters each tenant's active webhook endpoints take, kept in the process so that an event no endpoint
 * takes (most of them) costs the fan-out no query. A tenant is read once, then remembered until a NOTIFY says its
 * endpoints changed (a trigger sends it at the commit of any change, from any process).
 *
 * While the process's LISTEN session is away nothing is remembered and every question reads the table, and when the
 * session is back everything is forgotten: what changed meanwhile was never announced. An endpoint change is known
 * here before any event published after it can be consumed: in one process, notifications arrive in commit order on
 * the one session that also wakes the outbox relays; across processes, the NOTIFY leaves at the change's commit, ahead
 * of the event's own commit, relay, broker and fetch. A read that overlaps a notification is used once but not
 * remembered: it may predate the change.
 */
@Injectable()
export class WebhookSubscriptionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly tenants = new Map<string, ReadonlySet<string>>();
  /** Moves on every notification: a read begun under an older one is not remembered. */
  private generation = 0;
  private listener?: NotificationListener;
  private unlisten?: () => Promise<void>;

  constructor(
    private readonly repository: WebhookRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.listener = NotificationListener.of(this.config.DATABASE_URL);
    this.unlisten ??= this.listener.subscribe(WEBHOOK_ENDPOINTS_CHANNEL, (tenantId) => this.forget(tenantId));
  }

  async onModuleDestroy(): Promise<void> {
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    this.forget();
    await unlisten?.();
  }

  /** Whether any active endpoint of the tenant takes the event type; `reader` reads outside any transaction. */
  async anySubscribed(reader: EntityManager, tenantId: string, eventType: string): Promise<boolean> {
    if (!this.unlisten || !this.listener?.listens(WEBHOOK_ENDPOINTS_CHANNEL)) {
      return this.repository.anySubscribed(reader, tenantId, eventType);
    }
    let filters = this.tenants.get(tenantId);
    if (!filters) {
      const generation = this.generation;
      filters = new Set(await this.repository.subscribedFilters(reader, tenantId));
      if (generation === this.generation && this.listener.listens(WEBHOOK_ENDPOINTS_CHANNEL)) {
        this.remember(tenantId, filters);
      }
    }
    return filters.has(eventType) || filters.has(ALL_EVENTS);
  }

  /** How many tenants are remembered (for tests and metrics). */
  get size(): number {
    return this.tenants.size;
  }

  private remember(tenantId: string, filters: ReadonlySet<string>): void {
    this.tenants.set(tenantId, filters);
    if (this.tenants.size > MAX_TENANTS) {
      const oldest = this.tenants.keys().next().value;
      if (oldest !== undefined) {
        this.tenants.delete(oldest);
      }
    }
  }

  /** A tenant's endpoints changed; no tenant (the session is back, or a TRUNCATE): any may have. */
  private forget(tenantId?: string): void {
    this.generation++;
    if (tenantId) {
      this.tenants.delete(tenantId);
    } else {
      this.tenants.clear();
    }
  }
}
