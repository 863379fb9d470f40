import { defineDomain } from '@app/messaging';

export const NOTIFICATIONS = defineDomain('notifications');
