import { Injectable } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import type { EventContext } from '@app/messaging';
import { PLATFORM_TENANT_ID } from '@app/platform';
import { AdminActionRepository } from './admin-action.repository.js';
import type { AdminActionType } from './entities/admin-action.entity.js';

/** Back-office commands an operator gives through the module that owns the data; the trail records them. */
export const OPERATOR_COMMANDS = {
  'invoice.void_requested': 'invoice.void',
  'payment.refund_requested': 'payment.refund',
  'service.suspend_requested': 'service.suspend',
  'service.unsuspend_requested': 'service.unsuspend',
  'service.terminate_requested': 'service.terminate',
  'account.suspended': 'account.suspend',
  'account.unsuspended': 'account.unsuspend',
} as const satisfies Record<string, AdminActionType>;
export type OperatorCommandType = keyof typeof OPERATOR_COMMANDS;

interface Command {
  operator: string | null;
  why: string | null;
  target: string;
  orderId: string | null;
}

/** Who gave the command (null when billing's renewals or the saga did), why, and what it was about. */
function commandOf(type: OperatorCommandType, data: EventData<OperatorCommandType>): Command {
  const d = data as Partial<Record<string, unknown>>;
  const text = (key: string): string | null => (typeof d[key] === 'string' ? d[key] : null);
  const words = (...parts: (string | null)[]) => parts.filter((p) => p !== null).join(': ') || null;
  switch (type) {
    case 'invoice.void_requested':
      return {
        operator: text('requestedBy'),
        why: text('note'),
        target: `invoice ${text('invoiceId')}`,
        orderId: text('orderId'),
      };
    case 'payment.refund_requested':
      return {
        operator: text('requestedBy'),
        why: text('note'),
        target: `payment ${text('paymentId')}`,
        orderId: text('orderId'),
      };
    case 'service.suspend_requested':
    case 'service.unsuspend_requested':
    case 'service.terminate_requested':
      return {
        operator: text('requestedBy'),
        why: text('note'),
        target: `service ${text('serviceId')}`,
        orderId: text('orderId'),
      };
    case 'account.suspended':
      return {
        operator: text('suspendedBy'),
        why: words(text('reason'), text('note')),
        target: `account ${text('accountId')}`,
        orderId: null,
      };
    case 'account.unsuspended':
      return {
        operator: text('unsuspendedBy'),
        why: text('note'),
        target: `account ${text('accountId')}`,
        orderId: null,
      };
  }
}

/**
 * Operators' acts that other modules carry out reach the trail through their events, beside the redrives, replays
 * and offset resets audit does itself: audit writes only its own schema, and the row is there once the act is.
 * Admins belong to the operator's own account (PLATFORM_TENANT_ID), so an event naming the user names the actor.
 */
@Injectable()
export class OperatorTrailService {
  constructor(private readonly actions: AdminActionRepository) {}

  async sagaActed(ctx: EventContext, data: EventData<'saga.operator_action'>): Promise<void> {
    await this.actions.record(
      ctx.manager,
      { userId: data.actor, tenantId: data.actorTenantId, role: 'admin' },
      {
        action: `saga.${data.action}`,
        result: data.outcome === 'applied' ? 'accepted' : 'refused',
        targetEventId: ctx.envelope.id,
        targetTopic: ctx.position.topic,
        orderId: data.orderId,
        reason: data.reason,
        detail: data.refusal ?? `saga ${data.status} at step ${data.step}`,
        at: new Date(ctx.envelope.time),
      },
    );
  }

  /** On-demand: a command no operator gave (a renewal's, the saga's) costs no transaction. */
  async commanded<T extends OperatorCommandType>(ctx: EventContext<T>, data: EventData<T>): Promise<void> {
    const type = ctx.envelope.type;
    const command = commandOf(type, data);
    if (command.operator === null) {
      return;
    }
    await ctx.begin();
    await this.actions.record(
      ctx.manager,
      { userId: command.operator, tenantId: PLATFORM_TENANT_ID, role: 'admin' },
      {
        action: OPERATOR_COMMANDS[type],
        result: 'accepted',
        targetEventId: ctx.envelope.id,
        targetTopic: ctx.position.topic,
        orderId: command.orderId,
        reason: command.why,
        detail: command.target,
        at: new Date(ctx.envelope.time),
      },
    );
  }
}
