import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  EventFollower,
  EventSchemasService,
  type FollowedEvent,
  MESSAGING_SETTINGS,
  type MessagingSettings,
} from '@app/messaging';
import { AppConfig } from '../config/app.config.js';

/** What every instance of every app follows for its access view, and its groups' prefix (one group per instance). */
export const TENANT_ACCESS_EVENTS = ['account.suspended', 'account.unsuspended'] as const;
export const TENANT_ACCESS_GROUP = 'platforma.access';

export type AccessDecision = 'allowed' | 'suspended' | 'revoked';

interface TenantState {
  suspended: boolean;
  /** Time of the latest event applied: the two topics are not ordered with each other, so time decides. */
  changedAt: number;
  lastSuspendedAt: number;
}

/** How far the accounts module's clock and a verifier's may disagree, on top of the token lifetime. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Which tenants' tokens may not be used, folded from account.suspended / account.unsuspended. Only the last
 * token lifetime matters: a token issued before an older suspension has expired, and none is issued while an
 * account is suspended (the token exchange refuses), so older entries are dropped and memory stays bounded.
 */
export class TenantAccessView {
  private readonly tenants = new Map<string, TenantState>();

  constructor(private readonly horizonMs: number) {}

  get size(): number {
    return this.tenants.size;
  }

  apply(event: Pick<FollowedEvent, 'type' | 'time' | 'tenantId'>, now = Date.now()): void {
    if (event.time < now - this.horizonMs) {
      return;
    }
    const state = this.tenants.get(event.tenantId) ?? { suspended: false, changedAt: 0, lastSuspendedAt: 0 };
    const suspension = event.type === 'account.suspended';
    if (suspension) {
      state.lastSuspendedAt = Math.max(state.lastSuspendedAt, event.time);
    }
    if (event.time >= state.changedAt) {
      state.suspended = suspension;
      state.changedAt = event.time;
    }
    this.tenants.set(event.tenantId, state);
  }

  decide(tenantId: string, issuedAt: number): AccessDecision {
    const state = this.tenants.get(tenantId);
    if (!state) {
      return 'allowed';
    }
    if (state.suspended) {
      return 'suspended';
    }
    return issuedAt < state.lastSuspendedAt ? 'revoked' : 'allowed';
  }

  prune(now = Date.now()): void {
    for (const [tenantId, state] of this.tenants) {
      if (state.changedAt < now - this.horizonMs) {
        this.tenants.delete(tenantId);
      }
    }
  }
}

const PRUNE_EVERY_MS = 60_000;

/**
 * The guard's view of suspended accounts in this process. Every instance of every app follows the two accounts
 * topics itself (no call to accounts, no table of its own), so a suspension reaches it as fast as the event does:
 * the outbox relay's publish plus one fetch. The app starts serving only once the view has read what the topics
 * held at boot.
 */
@Injectable()
export class TenantAccessService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(TenantAccessService.name);
  private readonly view: TenantAccessView;
  private readonly follower: EventFollower;
  private pruner?: NodeJS.Timeout;

  constructor(
    config: AppConfig,
    @Inject(MESSAGING_SETTINGS) settings: MessagingSettings,
    schemas: EventSchemasService,
  ) {
    this.view = new TenantAccessView(config.JWT_TTL_SECONDS * 1000 + CLOCK_SKEW_MS);
    this.follower = new EventFollower(settings, schemas, {
      group: TENANT_ACCESS_GROUP,
      types: [...TENANT_ACCESS_EVENTS],
      apply: (event) => this.view.apply(event),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.follower.start();
    this.pruner = setInterval(() => this.view.prune(), PRUNE_EVERY_MS).unref();
    this.log.log(`access view ready: ${this.view.size} tenant(s) suspended or lately unsuspended`);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.pruner);
    await this.follower.stop();
  }

  decide(tenantId: string, issuedAt: number): AccessDecision {
    return this.view.decide(tenantId, issuedAt);
  }
}
