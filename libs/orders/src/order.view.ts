import type { Order } from './entities/order.entity.js';
import type { OrderStep } from './entities/order-step.entity.js';

export interface OrderView {
  id: string;
  status: Order['status'];
  planId: string;
  region: string;
  image: string;
  hostname: string;
  billingCycle: Order['billingCycle'];
  priceMinor: number;
  setupFeeMinor: number;
  currency: string;
  serviceId: string | null;
  createdAt: string;
  updatedAt: string;
  steps?: { status: string; event: string | null; eventId: string | null; note: string | null; at: string }[];
}

export function toView(order: Order, steps?: OrderStep[]): OrderView {
  return {
    id: order.id,
    status: order.status,
    planId: order.planId,
    region: order.region,
    image: order.image,
    hostname: order.hostname,
    billingCycle: order.billingCycle,
    priceMinor: order.priceMinor,
    setupFeeMinor: order.setupFeeMinor,
    currency: order.currency,
    serviceId: order.serviceId,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    ...(steps
      ? {
          steps: steps.map((s) => ({
            status: s.status,
            event: s.eventType,
            eventId: s.eventId,
            note: s.note,
            at: s.at.toISOString(),
          })),
        }
      : {}),
  };
}
