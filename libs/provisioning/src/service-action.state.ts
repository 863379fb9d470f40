import { SERVICE_ACTIONS } from '@app/contracts';
import type { ServiceState } from './build.state.js';

export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

export const ACTION_STATUSES = ['requested', 'completed', 'failed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** Why a service in its state takes no action: the reason code of service.action_failed. */
export type ActionRefusal = 'service_not_delivered' | 'service_suspended' | 'service_released';

/** Every action needs a delivered, running machine: only an active service has one to act on. */
const REFUSALS: Record<ServiceState, ActionRefusal | null> = {
  provisioning: 'service_not_delivered',
  active: null,
  suspended: 'service_suspended',
  failed: 'service_not_delivered',
  released: 'service_released',
};

export const REFUSAL_MESSAGES: Record<ActionRefusal, string> = {
  service_not_delivered: 'The service is not delivered: it was never built, or its build failed.',
  service_suspended: 'The service is suspended: it takes actions again once it is unsuspended.',
  service_released: 'The service was terminated: there is no machine left to act on.',
};

/** Null when a service in this state may take an action now. */
export function refusalOf(state: ServiceState): ActionRefusal | null {
  return REFUSALS[state];
}
