import type { Machine, MachineSpec } from './driver/provisioning.driver.js';
import type { ServiceRecord } from './entities/service-record.entity.js';

/** What the service asks of a machine, placed or not. */
export function specOf(service: ServiceRecord): MachineSpec {
  return {
    serviceId: service.id,
    region: service.region,
    image: service.image,
    hostname: service.hostname,
    resources: { vcpus: service.vcpus, memoryMb: service.memoryMb, diskGb: service.diskGb },
    attempt: service.attempt,
  };
}

/**
 * How the driver names a service's machine: the request it was built from, its attempt, its node and addresses.
 * Null while the service is not placed on a node: there is nothing on any hypervisor to act on.
 */
export function machineOf(service: ServiceRecord): Machine | null {
  if (!service.node) {
    return null;
  }
  return {
    ...specOf(service),
    node: service.node,
    network: service.network,
  };
}

/** The machine of a delivered service, which is always placed. */
export function placedMachineOf(service: ServiceRecord): Machine {
  const machine = machineOf(service);
  if (!machine) {
    throw new Error(`service ${service.id} is ${service.state} but placed on no node`);
  }
  return machine;
}
