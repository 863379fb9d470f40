import { ORDERS } from './orders.domain.js';
import { OrdersModule } from './orders.module.js';

export { ORDERS, OrdersModule };
export const ordersDomain = { domain: ORDERS, module: OrdersModule };
