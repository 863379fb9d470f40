import { defineDomain } from '@app/messaging';

export const BILLING = defineDomain('billing');
