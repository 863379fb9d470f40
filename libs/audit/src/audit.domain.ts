import { defineDomain } from '@app/messaging';

export const AUDIT = defineDomain('audit');
