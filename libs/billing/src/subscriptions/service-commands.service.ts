import { Injectable } from '@nestjs/common';
import type { PlanView } from '../entities/plan-view.entity.js';
import type { Subscription } from '../entities/subscription.entity.js';
import type { Tx } from '@app/messaging';

/** An operator of the back office who asks for a command, in their own words. */
export interface OperatorRequest {
  requestedBy: string;
  note: string;
}

/** What the commands say of who asked: billing itself (dunning, a payment) or an operator. */
const byBilling = { requestedBy: null, note: null };

const byOperator = (operator: OperatorRequest) => ({
  reason: 'operator' as const,
  requestedBy: operator.requestedBy,
  note: operator.note,
});

/**
 * Billing's commands to provisioning about a subscription's service. Each takes the next number of the
 * subscription's command sequence (the caller saves the subscription in the same transaction), so provisioning can
 * tell the latest of commands that overtook each other on their separate topics. Without an operator, billing asks
 * on its own: non-payment (suspend, terminate) or a payment (unsuspend).
 */
@Injectable()
export class ServiceCommandsService {
  /** Returns the command's event id. */
  async suspend(tx: Tx, subscription: Subscription, operator?: OperatorRequest): Promise<string> {
    const sent = await tx.publish(
      'service.suspend_requested',
      {
        ...this.target(subscription),
        ...(operator ? byOperator(operator) : { reason: 'non_payment' as const, ...byBilling }),
      },
      { tenantId: subscription.tenantId, subject: this.serviceOf(subscription) },
    );
    return sent.id;
  }

  async unsuspend(tx: Tx, subscription: Subscription, operator?: OperatorRequest): Promise<string> {
    const sent = await tx.publish(
      'service.unsuspend_requested',
      {
        ...this.target(subscription),
        ...(operator ? byOperator(operator) : { reason: 'paid' as const, ...byBilling }),
      },
      { tenantId: subscription.tenantId, subject: this.serviceOf(subscription) },
    );
    return sent.id;
  }

  async terminate(tx: Tx, subscription: Subscription, operator?: OperatorRequest): Promise<string> {
    const sent = await tx.publish(
      'service.terminate_requested',
      {
        ...this.target(subscription),
        orderId: subscription.orderId,
        ...(operator ? byOperator(operator) : { reason: 'non_payment' as const, ...byBilling }),
      },
      { tenantId: subscription.tenantId, subject: this.serviceOf(subscription) },
    );
    return sent.id;
  }

  async resize(tx: Tx, subscription: Subscription, plan: PlanView): Promise<void> {
    await tx.publish(
      'service.resize_requested',
      {
        ...this.target(subscription),
        planId: plan.planId,
        resources: { vcpus: plan.vcpus, memoryMb: plan.memoryMb, diskGb: plan.diskGb },
      },
      { tenantId: subscription.tenantId, subject: this.serviceOf(subscription) },
    );
  }

  private target(subscription: Subscription) {
    subscription.commandSeq += 1;
    return {
      serviceId: this.serviceOf(subscription),
      accountId: subscription.accountId,
      subscriptionId: subscription.id,
      sequence: subscription.commandSeq,
    };
  }

  private serviceOf(subscription: Subscription): string {
    if (!subscription.serviceId) {
      throw new Error(`subscription ${subscription.id} has no service yet`);
    }
    return subscription.serviceId;
  }
}
