import { Injectable } from '@nestjs/common';
import type { PlanView } from '../entities/plan-view.entity.js';
import type { Subscription } from '../entities/subscription.entity.js';
import type { Tx } from '../unit-of-work.js';

/**
 * Billing's commands to provisioning about a subscription's service. Each takes the next number of the
 * subscription's command sequence (the caller saves the subscription in the same transaction), so provisioning can
 * tell the latest of commands that overtook each other on their separate topics.
 */
@Injectable()
export class ServiceCommands {
  async suspend(tx: Tx, subscription: Subscription): Promise<void> {
    await tx.publish(
      'service.suspend_requested',
      { ...this.target(subscription), reason: 'non_payment' },
      { tenantId: subscription.tenantId, subject: this.serviceOf(subscription) },
    );
  }

  async unsuspend(tx: Tx, subscription: Subscription): Promise<void> {
    await tx.publish('service.unsuspend_requested', this.target(subscription), {
      tenantId: subscription.tenantId,
      subject: this.serviceOf(subscription),
    });
  }

  async terminate(tx: Tx, subscription: Subscription): Promise<void> {
    await tx.publish(
      'service.terminate_requested',
      { ...this.target(subscription), orderId: subscription.orderId, reason: 'non_payment' },
      { tenantId: subscription.tenantId, subject: this.serviceOf(subscription) },
    );
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
