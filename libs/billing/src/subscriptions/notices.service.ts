import { Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EventData } from '@app/contracts';
import type { Invoice } from '../entities/invoice.entity.js';
import type { Subscription } from '../entities/subscription.entity.js';
import { InvoiceRepository } from '../invoice.repository.js';
import type { Tx } from '@app/messaging';
import { BillingViewsRepository } from '../billing-views.repository.js';

type Variables = EventData<'notification.requested'>['variables'];

/** "12.99 EUR": every currency the platform bills in has two decimals. */
export function formatMoney(minor: number, currency: string): string {
  return `${(minor / 100).toFixed(2)} ${currency}`;
}

export function formatDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The invoice as the customer's emails describe it. */
export function invoiceVariables(invoice: Invoice): Variables {
  return {
    invoiceNumber: invoice.number,
    amount: formatMoney(invoice.totalMinor, invoice.currency),
    dueDate: formatDay(invoice.dueAt),
  };
}

/**
 * Billing's emails about a subscription, sent by the notifications module (notification.requested) to the
 * account's address. A timer's email takes the timer's id as its notification id, so it is sent once even if the
 * request were made twice.
 */
@Injectable()
export class NoticesService {
  private readonly logger = new Logger(NoticesService.name);

  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly views: BillingViewsRepository,
  ) {}

  async send(
    tx: Tx,
    subscription: Subscription,
    template: string,
    variables: Variables,
    notificationId: string = uuidv7(),
  ): Promise<void> {
    const account = await this.views.findAccount(tx.manager, subscription.accountId);
    if (!account) {
      this.logger.warn(`no address for account ${subscription.accountId}: ${template} not sent`);
      return;
    }
    await tx.publish(
      'notification.requested',
      {
        notificationId,
        accountId: subscription.accountId,
        template,
        channel: 'email',
        recipient: account.email,
        variables: { hostname: subscription.hostname, serviceId: subscription.serviceId ?? '', ...variables },
      },
      { tenantId: subscription.tenantId, subject: notificationId },
    );
  }
}
