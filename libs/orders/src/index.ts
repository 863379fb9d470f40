import { ORDERS } from './orders.domain.js';
import { OrdersModule } from './orders.module.js';

export { ORDERS, OrdersModule };
export type {
  AdminBillingCycle,
  AdminOrderPage,
  AdminOrdersQuery,
  AdminOrderStatus,
  AdminOrderView,
} from './admin/orders-admin.view.js';
export const ordersDomain = { domain: ORDERS, module: OrdersModule };
/** The order's lifecycle as pure functions, for models of the whole order flow (test/saga). */
export { advance, customerMayCancel, nextStatus, type OrderStatus } from './order.state.js';
