import { defineDomain } from '@app/messaging';

export const PROVISIONING = defineDomain('provisioning');
