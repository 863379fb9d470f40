import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { Order } from './entities/order.entity.js';
import { OrderStep } from './entities/order-step.entity.js';
import { PlanView } from './entities/plan-view.entity.js';
import { AccountSuspendedListener } from './listeners/account-suspended.listener.js';
import { PlanPublishedListener } from './listeners/plan-published.listener.js';
import { PlanRetiredListener } from './listeners/plan-retired.listener.js';
import { OrderRepository } from './order.repository.js';
import { OrdersController } from './orders.controller.js';
import { ORDERS } from './orders.domain.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [MessagingModule.forDomain(ORDERS), TypeOrmModule.forFeature([Order, OrderStep, PlanView])],
  controllers: [OrdersController, PlanPublishedListener, PlanRetiredListener, AccountSuspendedListener],
  providers: [OrderRepository, OrdersService],
})
export class OrdersModule {}
