import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { OutboxService } from '@app/messaging';
import { AppConfig, type Principal, Span } from '@app/platform';
import type { CreateOrderDto } from './dto/create-order.dto.js';
import type { ListOrdersQuery } from './dto/list-orders.query.js';
import type { Order } from './entities/order.entity.js';
import type { PlanView } from './entities/plan-view.entity.js';
import { OrderAdmissionRepository } from './order-admission.repository.js';
import { OrderRepository } from './order.repository.js';
import { OrderStreamService } from './order-stream.service.js';
import { customerMayCancel, nextStatus } from './order.state.js';
import { toView, type OrderView } from './order.view.js';
import { OrdersErrorCode, OrdersException } from './orders.exception.js';

export interface CreateResult {
  status: number;
  body: OrderView;
  replayed: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Sorted keys, so the same body sent with its fields in another order hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

@Injectable()
export class OrdersService {
  constructor(
    private readonly outbox: OutboxService,
    private readonly orders: OrderRepository,
    private readonly admission: OrderAdmissionRepository,
    private readonly config: AppConfig,
    private readonly stream: OrderStreamService,
  ) {}

  @Span('orders.create')
  async create(principal: Principal, dto: CreateOrderDto, idempotencyKey?: string): Promise<CreateResult> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new OrdersException(OrdersErrorCode.InvalidIdempotencyKey);
    }
    const requestHash = createHash('sha256').update(canonical(dto)).digest('hex');
    return this.outbox.transaction(async (uow) => {
      const { manager } = uow;
      if (idempotencyKey !== undefined) {
        const stored = await this.orders.claimKey(
          manager,
          principal.tenantId,
          idempotencyKey,
          requestHash,
          this.config.IDEMPOTENCY_KEY_TTL_HOURS,
        );
        if (stored) {
          if (stored.requestHash !== requestHash) {
            throw new OrdersException(OrdersErrorCode.IdempotencyKeyReused);
          }
          return { status: stored.status, body: stored.body as OrderView, replayed: true };
        }
      }
      if (await this.admission.isSuspended(manager, principal.tenantId)) {
        throw new OrdersException(OrdersErrorCode.AccountSuspended);
      }
      const plan = await this.admission.plan(manager, dto.planId);
      const price = this.priceFor(plan, dto);
      const now = new Date();
      const order: Order = {
        id: uuidv7(),
        tenantId: principal.tenantId,
        planId: dto.planId,
        region: dto.region,
        image: dto.image,
        hostname: dto.hostname,
        billingCycle: dto.billingCycle,
        priceMinor: price.amountMinor,
        setupFeeMinor: 0,
        currency: price.currency,
        status: 'pending',
        serviceId: null,
        createdAt: now,
        updatedAt: now,
      };
      const event = await uow.publish(
        'order.created',
        {
          orderId: order.id,
          accountId: principal.tenantId,
          planId: order.planId,
          region: order.region,
          image: order.image,
          hostname: order.hostname,
          billingCycle: order.billingCycle,
          priceMinor: order.priceMinor,
          setupFeeMinor: order.setupFeeMinor,
          currency: order.currency,
        },
        { tenantId: principal.tenantId, subject: order.id },
      );
      await this.orders.insert(manager, order, { eventType: event.type, eventId: event.id });
      const view = toView(order, await this.orders.steps(manager, order.id));
      if (idempotencyKey !== undefined) {
        await this.orders.storeResponse(manager, principal.tenantId, idempotencyKey, 201, view);
      }
      return { status: 201, body: view, replayed: false };
    });
  }

  async get(principal: Principal, id: string): Promise<OrderView> {
    const order = await this.orders.findForTenant(this.orders.manager, principal.tenantId, id);
    if (!order) {
      throw new OrdersException(OrdersErrorCode.OrderNotFound);
    }
    return toView(order, await this.orders.steps(this.orders.manager, id));
  }

  async list(
    principal: Principal,
    query: ListOrdersQuery,
  ): Promise<{ items: OrderView[]; nextCursor: string | null }> {
    const limit = query.limit ?? 20;
    const rows = await this.orders.list(principal.tenantId, limit + 1, query.status, query.cursor);
    const page = rows.slice(0, limit);
    return {
      items: page.map((o) => toView(o)),
      nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }

  async cancel(principal: Principal, id: string): Promise<OrderView> {
    await this.outbox.transaction(async (uow) => {
      const order = await this.orders.lockForTenant(uow.manager, principal.tenantId, id);
      if (!order) {
        throw new OrdersException(OrdersErrorCode.OrderNotFound);
      }
      const next = nextStatus(order.status, 'cancel');
      if (!next || !customerMayCancel(order.status)) {
        throw new OrdersException(OrdersErrorCode.NotCancellable, `the order is ${order.status}`);
      }
      const event = await uow.publish(
        'order.cancelled',
        { orderId: id, reason: 'customer_request' },
        { tenantId: principal.tenantId, subject: id },
      );
      await this.orders.move(uow.manager, order, next, { eventType: event.type, eventId: event.id });
    });
    this.stream.wake();
    return this.get(principal, id);
  }

  private priceFor(plan: PlanView | null, dto: CreateOrderDto) {
    if (!plan || plan.status !== 'published') {
      throw new OrdersException(OrdersErrorCode.PlanNotAvailable);
    }
    if (!plan.regions.includes(dto.region)) {
      throw new OrdersException(OrdersErrorCode.RegionNotOffered, `offered in: ${plan.regions.join(', ')}`);
    }
    if (plan.images.length > 0 && !plan.images.includes(dto.image)) {
      throw new OrdersException(OrdersErrorCode.ImageNotOffered, `offered: ${plan.images.join(', ')}`);
    }
    const candidates = plan.prices.filter(
      (p) => p.billingCycle === dto.billingCycle && (!dto.currency || p.currency === dto.currency),
    );
    if (candidates.length === 0) {
      throw new OrdersException(OrdersErrorCode.BillingCycleNotOffered);
    }
    if (candidates.length > 1) {
      throw new OrdersException(OrdersErrorCode.CurrencyRequired);
    }
    return candidates[0];
  }
}
