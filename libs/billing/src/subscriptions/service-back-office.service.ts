import { Injectable } from '@nestjs/common';
import { OutboxService } from '@app/messaging';
import { Clock, type Principal } from '@app/platform';
import { BillingErrorCode, BillingException } from '../billing.exception.js';
import type { Subscription } from '../entities/subscription.entity.js';
import type { Tx } from '@app/messaging';
import { VoidsService } from '../voids.service.js';
import { DunningPolicy } from './dunning.policy.js';
import {
  decideOperatorAction,
  type OperatorAction,
  type OperatorRefusal,
  operatorViewOf,
} from './operator-action.state.js';
import { type OperatorRequest, ServiceCommandsService } from './service-commands.service.js';
import { SubscriptionRepository } from './subscription.repository.js';

const REFUSALS: Record<OperatorRefusal, BillingErrorCode> = {
  'subscription-not-delivered': BillingErrorCode.SubscriptionNotDelivered,
  'service-already-suspended': BillingErrorCode.ServiceAlreadySuspended,
  'service-not-suspended': BillingErrorCode.ServiceNotSuspended,
  'suspended-for-non-payment': BillingErrorCode.SuspendedForNonPayment,
  'renewal-overdue': BillingErrorCode.RenewalOverdue,
  'subscription-terminated': BillingErrorCode.SubscriptionTerminated,
};

/** The answer to an operator's action: the command sent to provisioning and where the subscription now stands. */
export interface OperatorActionResult {
  /** Id of the command event (service.suspend_requested, …), as the audit log shows it. */
  requestId: string;
  serviceId: string;
  subscriptionId: string;
  tenantId: string;
  action: OperatorAction;
  /** The command's place in the subscription's sequence. */
  sequence: number;
  /** The subscription's status now; the machine follows when provisioning has carried out the command. */
  status: Subscription['status'];
}

/**
 * The back office's suspend, unsuspend and terminate of a service, across tenants. Under the subscription's row
 * lock: the decision (operator-action.state.ts), billing's own state, and the command to provisioning with the next
 * sequence in the outbox — one transaction, so two operators at once get one 202 and one 409, and commands reach
 * provisioning numbered in the order they were decided.
 */
@Injectable()
export class ServiceBackOfficeService {
  constructor(
    private readonly outbox: OutboxService,
    private readonly subscriptions: SubscriptionRepository,
    private readonly commands: ServiceCommandsService,
    private readonly voids: VoidsService,
    private readonly policy: DunningPolicy,
    private readonly clock: Clock,
  ) {}

  act(
    serviceId: string,
    action: OperatorAction,
    note: string,
    operator: Principal,
  ): Promise<OperatorActionResult> {
    return this.outbox.transaction(async (tx) => {
      const subscription = await this.subscriptions.lockForOperator(tx.manager, serviceId);
      if (!subscription) {
        throw new BillingException(BillingErrorCode.SubscriptionNotFound);
      }
      const now = this.clock.now();
      const open = await this.subscriptions.openInvoices(tx.manager, subscription.id);
      const overdue = open.some(
        (invoice) => invoice.kind === 'renewal' && this.policy.suspensionAt(invoice.dueAt) <= now,
      );
      const view = operatorViewOf(subscription.status, subscription.suspendReason);
      const decision = decideOperatorAction(view, action, overdue);
      if (decision.kind === 'refuse') {
        throw new BillingException(REFUSALS[decision.refusal]);
      }
      const request: OperatorRequest = { requestedBy: operator.userId, note };
      const requestId = await this.apply(tx, subscription, action, request, now);
      await this.subscriptions.save(tx.manager, subscription, now);
      return {
        requestId,
        serviceId,
        subscriptionId: subscription.id,
        tenantId: subscription.tenantId,
        action,
        sequence: subscription.commandSeq,
        status: subscription.status,
      };
    });
  }

  private async apply(
    tx: Tx,
    subscription: Subscription,
    action: OperatorAction,
    request: OperatorRequest,
    now: Date,
  ): Promise<string> {
    switch (action) {
      case 'suspend':
        subscription.status = 'suspended';
        subscription.suspendedAt = now;
        subscription.suspendReason = 'operator';
        return this.commands.suspend(tx, subscription, request);
      case 'unsuspend':
        subscription.status = 'active';
        subscription.suspendedAt = null;
        subscription.suspendReason = null;
        return this.commands.unsuspend(tx, subscription, request);
      case 'terminate':
        await this.stopInvoicing(tx, subscription);
        subscription.status = 'terminated';
        subscription.terminatedAt = now;
        subscription.suspendReason = null;
        return this.commands.terminate(tx, subscription, request);
    }
  }

  /**
   * As on termination for non-payment: the open invoices are voided under their locks (a payment waiting for one
   * then finds it not payable), a pending upgrade lapses, the pending timers (renewal, dunning) are cancelled. An
   * invoice a payment holds right now refuses the termination (409 payment-in-progress) instead of waiting: the
   * payment waits for the subscription this transaction holds.
   */
  private async stopInvoicing(tx: Tx, subscription: Subscription): Promise<void> {
    for (const found of await this.subscriptions.openInvoices(tx.manager, subscription.id)) {
      const invoice = await this.subscriptions.tryLockInvoice(tx.manager, found.id);
      if (invoice === 'busy') {
        throw new BillingException(BillingErrorCode.PaymentInProgress);
      }
      if (invoice?.status === 'open') {
        await this.voids.void(tx, invoice, 'service_terminated');
      }
    }
    const pending = await this.subscriptions.pendingPlanChange(tx.manager, subscription.id);
    if (pending) {
      pending.status = 'lapsed';
      pending.updatedAt = this.clock.now();
      await this.subscriptions.savePlanChange(tx.manager, pending);
    }
    await this.subscriptions.cancelTimers(tx.manager, subscription.id, 'terminated');
  }
}
