import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { BILLING } from './billing.domain.js';
import { AccountView } from './entities/account-view.entity.js';
import { Invoice } from './entities/invoice.entity.js';
import { InvoiceLine } from './entities/invoice-line.entity.js';
import { ParkedOrder } from './entities/parked-order.entity.js';
import { Payment } from './entities/payment.entity.js';
import { Refund } from './entities/refund.entity.js';
import { WebhookEvent } from './entities/webhook-event.entity.js';
import { PAYMENT_GATEWAY } from './gateway/payment-gateway.js';
import { TestPaymentGateway } from './gateway/test-payment-gateway.js';
import { InvoiceRepository } from './invoice.repository.js';
import { InvoicesController } from './invoices.controller.js';
import { InvoicesService } from './invoices.service.js';
import { InvoicingService } from './invoicing.service.js';
import { AccountCreatedListener } from './listeners/account-created.listener.js';
import { InvoiceVoidRequestedListener } from './listeners/invoice-void-requested.listener.js';
import { OrderCreatedListener } from './listeners/order-created.listener.js';
import { PaymentRefundRequestedListener } from './listeners/payment-refund-requested.listener.js';
import { PaymentRepository } from './payment.repository.js';
import { PaymentsService } from './payments.service.js';
import { RefundsService } from './refunds.service.js';
import { SettlementService } from './settlement.service.js';
import { VoidsService } from './voids.service.js';
import { PaymentWebhookController } from './webhooks/payment-webhook.controller.js';
import { PaymentWebhookService } from './webhooks/payment-webhook.service.js';

@Module({
  imports: [
    MessagingModule.forDomain(BILLING),
    TypeOrmModule.forFeature([AccountView, ParkedOrder, Invoice, InvoiceLine, Payment, Refund, WebhookEvent]),
  ],
  controllers: [
    InvoicesController,
    PaymentWebhookController,
    AccountCreatedListener,
    OrderCreatedListener,
    PaymentRefundRequestedListener,
    InvoiceVoidRequestedListener,
  ],
  providers: [
    // The test gateway until a real provider is configured: it never touches the network.
    { provide: PAYMENT_GATEWAY, useClass: TestPaymentGateway },
    InvoiceRepository,
    PaymentRepository,
    InvoicingService,
    InvoicesService,
    SettlementService,
    VoidsService,
    PaymentsService,
    RefundsService,
    PaymentWebhookService,
  ],
})
export class BillingModule {}
