import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { OrdersAdminController } from './admin/orders-admin.controller.js';
import { OrdersAdminRepository } from './admin/orders-admin.repository.js';
import { OrdersAdminService } from './admin/orders-admin.service.js';
import { Order } from './entities/order.entity.js';
import { OrderStep } from './entities/order-step.entity.js';
import { PlanView } from './entities/plan-view.entity.js';
import { AccountSuspendedListener } from './listeners/account-suspended.listener.js';
import { AccountUnsuspendedListener } from './listeners/account-unsuspended.listener.js';
import { CancelRequestedListener } from './listeners/cancel-requested.listener.js';
import { InvoiceGeneratedListener } from './listeners/invoice-generated.listener.js';
import { PaymentFailedListener } from './listeners/payment-failed.listener.js';
import { PaymentReceivedListener } from './listeners/payment-received.listener.js';
import { PaymentRefundedListener } from './listeners/payment-refunded.listener.js';
import { ProvisioningProgressListener } from './listeners/provisioning-progress.listener.js';
import { SagaCompletedListener } from './listeners/saga-completed.listener.js';
import { ServiceActionCompletedListener } from './listeners/service-action-completed.listener.js';
import { ServiceActionFailedListener } from './listeners/service-action-failed.listener.js';
import { ServiceActionRequestedListener } from './listeners/service-action-requested.listener.js';
import { ProvisioningStartedListener } from './listeners/provisioning-started.listener.js';
import { IdempotencyKeySweeperService } from './idempotency-key-sweeper.service.js';
import { OrderAdmissionRepository } from './order-admission.repository.js';
import { OrderAdmissionService } from './order-admission.service.js';
import { OrderNewsService } from './order-news.service.js';
import { OrderProgressService } from './order-progress.service.js';
import { OrderReportService } from './order-report.service.js';
import { OrderStreamService } from './order-stream.service.js';
import { PlanPublishedListener } from './listeners/plan-published.listener.js';
import { PlanRetiredListener } from './listeners/plan-retired.listener.js';
import { StateReportRequestedListener } from './listeners/state-report-requested.listener.js';
import { OrderRepository } from './order.repository.js';
import { OrdersController } from './orders.controller.js';
import { ORDERS } from './orders.domain.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [MessagingModule.forDomain(ORDERS), TypeOrmModule.forFeature([Order, OrderStep, PlanView])],
  controllers: [
    OrdersController,
    OrdersAdminController,
    PlanPublishedListener,
    PlanRetiredListener,
    AccountSuspendedListener,
    AccountUnsuspendedListener,
    InvoiceGeneratedListener,
    PaymentReceivedListener,
    PaymentFailedListener,
    PaymentRefundedListener,
    ProvisioningStartedListener,
    ProvisioningProgressListener,
    SagaCompletedListener,
    ServiceActionRequestedListener,
    ServiceActionCompletedListener,
    ServiceActionFailedListener,
    CancelRequestedListener,
    StateReportRequestedListener,
  ],
  providers: [
    OrderRepository,
    OrderAdmissionRepository,
    OrdersService,
    OrderAdmissionService,
    OrderProgressService,
    OrderNewsService,
    OrderReportService,
    OrderStreamService,
    IdempotencyKeySweeperService,
    OrdersAdminRepository,
    OrdersAdminService,
  ],
})
export class OrdersModule {}
