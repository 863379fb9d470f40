import { defineDomain } from '@app/messaging';

export const SAGA = defineDomain('saga');
