import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { SagaInstance } from './entities/saga-instance.entity.js';
import { AccountCreatedListener } from './listeners/account-created.listener.js';
import { InvoiceGeneratedListener } from './listeners/invoice-generated.listener.js';
import { InvoiceVoidedListener } from './listeners/invoice-voided.listener.js';
import { OrderCancelledListener } from './listeners/order-cancelled.listener.js';
import { OrderCreatedListener } from './listeners/order-created.listener.js';
import { PaymentFailedListener } from './listeners/payment-failed.listener.js';
import { PaymentReceivedListener } from './listeners/payment-received.listener.js';
import { PaymentRefundedListener } from './listeners/payment-refunded.listener.js';
import { PlanPublishedListener } from './listeners/plan-published.listener.js';
import { ProvisioningCompletedListener } from './listeners/provisioning-completed.listener.js';
import { ProvisioningFailedListener } from './listeners/provisioning-failed.listener.js';
import { ProvisioningReleasedListener } from './listeners/provisioning-released.listener.js';
import { OrderSagaService } from './order-saga.service.js';
import { SAGA } from './saga.domain.js';
import { SagaConsoleService } from './saga-console.service.js';
import { ParkedEventRepository } from './parked-event.repository.js';
import { SagaHistoryRepository } from './saga-history.repository.js';
import { SagaRepository } from './saga.repository.js';
import { SagaViewsRepository } from './saga-views.repository.js';
import { SagasController } from './sagas.controller.js';
import { SagaTimersService } from './saga-timers.service.js';

@Module({
  imports: [MessagingModule.forDomain(SAGA), TypeOrmModule.forFeature([SagaInstance])],
  controllers: [
    SagasController,
    AccountCreatedListener,
    PlanPublishedListener,
    OrderCreatedListener,
    InvoiceGeneratedListener,
    PaymentReceivedListener,
    PaymentFailedListener,
    ProvisioningCompletedListener,
    ProvisioningFailedListener,
    ProvisioningReleasedListener,
    PaymentRefundedListener,
    InvoiceVoidedListener,
    OrderCancelledListener,
  ],
  providers: [
    SagaRepository,
    SagaHistoryRepository,
    ParkedEventRepository,
    SagaViewsRepository,
    OrderSagaService,
    SagaConsoleService,
    SagaTimersService,
  ],
})
export class SagaModule {}
