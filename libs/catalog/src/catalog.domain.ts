import { defineDomain } from '@app/messaging';

export const CATALOG = defineDomain('catalog');
