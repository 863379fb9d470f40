import type { Machine } from './driver/provisioning.driver.js';
import type { ServiceRecord } from './entities/service-record.entity.js';

/** How the driver names a service's machine: the request it was built from, its attempt and its node. */
export function machineOf(service: ServiceRecord): Machine {
  return {
    serviceId: service.id,
    region: service.region,
    image: service.image,
    hostname: service.hostname,
    resources: { vcpus: service.vcpus, memoryMb: service.memoryMb, diskGb: service.diskGb },
    attempt: service.attempt,
    node: service.node,
  };
}
