import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { ORDERS } from './orders.domain.js';

@Module({
  imports: [MessagingModule.forDomain(ORDERS)],
})
export class OrdersModule {}
