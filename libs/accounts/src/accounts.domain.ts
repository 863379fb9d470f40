import { defineDomain } from '@app/messaging';

export const ACCOUNTS = defineDomain('accounts');
