import type { Subscription } from '../entities/subscription.entity.js';
import type { DunningPolicy } from './dunning.policy.js';

export interface SubscriptionView {
  id: string;
  serviceId: string | null;
  orderId: string;
  planId: string;
  hostname: string;
  billingCycle: Subscription['billingCycle'];
  priceMinor: number;
  currency: string;
  status: Subscription['status'];
  /** The last paid period; null while pending. */
  currentPeriod: { start: string; end: string } | null;
  /** When the next renewal invoice is issued (it is due at currentPeriod.end); null unless active. */
  nextRenewalAt: string | null;
  activatedAt: string | null;
  suspendedAt: string | null;
  terminatedAt: string | null;
}

export interface SubscriptionPage {
  items: SubscriptionView[];
  nextCursor: string | null;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function toSubscriptionView(subscription: Subscription, policy: DunningPolicy): SubscriptionView {
  const { currentPeriodStart: start, currentPeriodEnd: end } = subscription;
  return {
    id: subscription.id,
    serviceId: subscription.serviceId,
    orderId: subscription.orderId,
    planId: subscription.planId,
    hostname: subscription.hostname,
    billingCycle: subscription.billingCycle,
    priceMinor: subscription.priceMinor,
    currency: subscription.currency,
    status: subscription.status,
    currentPeriod: start && end ? { start: start.toISOString(), end: end.toISOString() } : null,
    nextRenewalAt: subscription.status === 'active' && end ? policy.renewalAt(end).toISOString() : null,
    activatedAt: iso(subscription.activatedAt),
    suspendedAt: iso(subscription.suspendedAt),
    terminatedAt: iso(subscription.terminatedAt),
  };
}
