import { defineDomain } from '@app/messaging';

export const ORDERS = defineDomain('orders');
