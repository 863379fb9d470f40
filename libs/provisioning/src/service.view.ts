import { type BuildStep, percentAt, type ServiceState } from './build.state.js';
import type { ServiceRecord } from './entities/service-record.entity.js';

/** What a customer sees of a service: never its credentials, nor the hypervisor details of a failure. */
export interface ServiceView {
  id: string;
  orderId: string;
  planId: string;
  state: ServiceState;
  hostname: string;
  region: string;
  image: string;
  resources: { vcpus: number; memoryMb: number; diskGb: number };
  addresses: { ipv4: string | null; ipv6: string | null };
  progress: { step: BuildStep; percent: number } | null;
  attempt: number;
  failure: { step: BuildStep | null; reason: string | null; retryable: boolean } | null;
  credentialsRetrievable: boolean;
  createdAt: string;
  updatedAt: string;
  provisionedAt: string | null;
  failedAt: string | null;
  releasedAt: string | null;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function toView(service: ServiceRecord): ServiceView {
  return {
    id: service.id,
    orderId: service.orderId,
    planId: service.planId,
    state: service.state,
    hostname: service.hostname,
    region: service.region,
    image: service.image,
    resources: { vcpus: service.vcpus, memoryMb: service.memoryMb, diskGb: service.diskGb },
    addresses: { ipv4: service.ipv4, ipv6: service.ipv6 },
    progress:
      service.state === 'provisioning' && service.step
        ? { step: service.step, percent: percentAt(service.step) }
        : null,
    attempt: service.attempt,
    failure:
      service.state === 'failed'
        ? {
            step: service.failureStep,
            reason: service.failureReason,
            retryable: service.failureRetryable ?? false,
          }
        : null,
    credentialsRetrievable:
      service.state === 'active' && service.credentialsSecretId !== null && !service.credentialsRetrievedAt,
    createdAt: service.createdAt.toISOString(),
    updatedAt: service.updatedAt.toISOString(),
    provisionedAt: iso(service.provisionedAt),
    failedAt: iso(service.failedAt),
    releasedAt: iso(service.releasedAt),
  };
}
