import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { allowStandIn, AppConfig, ClockModule } from '@app/platform';
import { BillingAdminController } from './admin/billing-admin.controller.js';
import { BillingAdminRepository } from './admin/billing-admin.repository.js';
import { BillingAdminService } from './admin/billing-admin.service.js';
import { OperatorCommandsService } from './admin/operator-commands.service.js';
import { BILLING } from './billing.domain.js';
import { AccountCredit } from './entities/account-credit.entity.js';
import { AccountView } from './entities/account-view.entity.js';
import { CreditEntry } from './entities/credit-entry.entity.js';
import { Invoice } from './entities/invoice.entity.js';
import { InvoiceLine } from './entities/invoice-line.entity.js';
import { ParkedOrder } from './entities/parked-order.entity.js';
import { Payment } from './entities/payment.entity.js';
import { PlanChange } from './entities/plan-change.entity.js';
import { PlanView } from './entities/plan-view.entity.js';
import { Refund } from './entities/refund.entity.js';
import { Subscription } from './entities/subscription.entity.js';
import { SubscriptionTimer } from './entities/subscription-timer.entity.js';
import { WebhookEvent } from './entities/webhook-event.entity.js';
import { PAYMENT_GATEWAY } from './gateway/payment-gateway.js';
import { TestPaymentGateway } from './gateway/test-payment.gateway.js';
import { InvoiceRepository } from './invoice.repository.js';
import { InvoicesController } from './invoices.controller.js';
import { InvoicesService } from './invoices.service.js';
import { InvoicingService } from './invoicing.service.js';
import { AccountCreatedListener } from './listeners/account-created.listener.js';
import { InvoiceVoidRequestedListener } from './listeners/invoice-void-requested.listener.js';
import { OrderCompletedListener } from './listeners/order-completed.listener.js';
import { OrderCreatedListener } from './listeners/order-created.listener.js';
import { PaymentRefundRequestedListener } from './listeners/payment-refund-requested.listener.js';
import { PlanPublishedListener } from './listeners/plan-published.listener.js';
import { PlanRetiredListener } from './listeners/plan-retired.listener.js';
import { PaymentRepository } from './payment.repository.js';
import { PaymentsService } from './payments.service.js';
import { RefundsService } from './refunds.service.js';
import { SettlementService } from './settlement.service.js';
import { CreditController } from './subscriptions/credit.controller.js';
import { CreditRepository } from './subscriptions/credit.repository.js';
import { CreditService } from './subscriptions/credit.service.js';
import { DunningPolicy } from './subscriptions/dunning.policy.js';
import { DunningService } from './subscriptions/dunning.service.js';
import { NoticesService } from './subscriptions/notices.service.js';
import { PlanChangeService } from './subscriptions/plan-change.service.js';
import { RecurringInvoicingService } from './subscriptions/recurring-invoicing.service.js';
import { ServiceCommandsService } from './subscriptions/service-commands.service.js';
import { SubscriptionPaymentsService } from './subscriptions/subscription-payments.service.js';
import { SubscriptionRepository } from './subscriptions/subscription.repository.js';
import { SubscriptionTimersService } from './subscriptions/subscription-timers.service.js';
import { ServiceBackOfficeService } from './subscriptions/service-back-office.service.js';
import { SubscriptionsController } from './subscriptions/subscriptions.controller.js';
import { SubscriptionsAdminController } from './subscriptions/subscriptions-admin.controller.js';
import { SubscriptionsService } from './subscriptions/subscriptions.service.js';
import { VoidsService } from './voids.service.js';
import { PaymentWebhookController } from './webhooks/payment-webhook.controller.js';
import { PaymentWebhookService } from './webhooks/payment-webhook.service.js';
import { BillingViewsRepository } from './billing-views.repository.js';

@Module({
  imports: [
    MessagingModule.forDomain(BILLING),
    ClockModule,
    TypeOrmModule.forFeature([AccountView, ParkedOrder, Invoice, InvoiceLine, Payment, Refund, WebhookEvent]),
    TypeOrmModule.forFeature([
      Subscription,
      SubscriptionTimer,
      PlanView,
      PlanChange,
      AccountCredit,
      CreditEntry,
    ]),
  ],
  controllers: [
    InvoicesController,
    BillingAdminController,
    SubscriptionsController,
    SubscriptionsAdminController,
    CreditController,
    PaymentWebhookController,
    AccountCreatedListener,
    OrderCreatedListener,
    PaymentRefundRequestedListener,
    InvoiceVoidRequestedListener,
    OrderCompletedListener,
    PlanPublishedListener,
    PlanRetiredListener,
  ],
  providers: [
    // The test gateway until a real provider is configured: it never touches the network.
    {
      provide: PAYMENT_GATEWAY,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        allowStandIn(
          config,
          'ALLOW_TEST_PAYMENTS',
          'the test payment gateway (tok_success pays any invoice)',
        );
        return new TestPaymentGateway();
      },
    },
    InvoiceRepository,
    BillingViewsRepository,
    PaymentRepository,
    BillingAdminRepository,
    BillingAdminService,
    OperatorCommandsService,
    InvoicingService,
    InvoicesService,
    SettlementService,
    VoidsService,
    PaymentsService,
    RefundsService,
    PaymentWebhookService,
    {
      provide: DunningPolicy,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => DunningPolicy.from(config),
    },
    SubscriptionRepository,
    CreditRepository,
    SubscriptionsService,
    SubscriptionPaymentsService,
    SubscriptionTimersService,
    RecurringInvoicingService,
    DunningService,
    PlanChangeService,
    ServiceCommandsService,
    ServiceBackOfficeService,
    NoticesService,
    CreditService,
  ],
})
export class BillingModule {}
