import type { ServiceActionRecord } from './entities/service-action.entity.js';
import type { ActionStatus, ServiceAction } from './service-action.state.js';

/** What a customer sees of an action on their service. */
export interface ServiceActionView {
  id: string;
  serviceId: string;
  action: ServiceAction;
  status: ActionStatus;
  failure: { reason: string; message: string | null } | null;
  requestedAt: string;
  finishedAt: string | null;
}

export function toActionView(action: ServiceActionRecord): ServiceActionView {
  return {
    id: action.id,
    serviceId: action.serviceId,
    action: action.action,
    status: action.status,
    failure:
      action.status === 'failed' && action.reason ? { reason: action.reason, message: action.message } : null,
    requestedAt: action.requestedAt.toISOString(),
    finishedAt: action.finishedAt?.toISOString() ?? null,
  };
}

/** Where an action can be read back (the 202's Location). */
export function actionPath(action: Pick<ServiceActionRecord, 'serviceId' | 'id'>): string {
  return `/v1/services/${action.serviceId}/actions/${action.id}`;
}
