import type { BuildStep } from '../build.state.js';

/** Nest token of the driver; the module binds SimulatorDriver unless a deployment provides another. */
export const PROVISIONING_DRIVER = Symbol('PROVISIONING_DRIVER');

/** What to build. attempt counts requests for the same service: a retry is attempt 2, 3, … */
export interface MachineSpec {
  serviceId: string;
  region: string;
  image: string;
  hostname: string;
  resources: { vcpus: number; memoryMb: number; diskGb: number };
  attempt: number;
}

/** A machine the driver placed: every later call names it by this. */
export interface Machine extends MachineSpec {
  node: string;
}

export type StepOutcome =
  | { kind: 'done' }
  /** The step is still running on the hypervisor; ask again after checkAfterMs. */
  | { kind: 'pending'; checkAfterMs: number }
  | { kind: 'failed'; reason: string; message: string; retryable: boolean };

export interface MachineStatus {
  power: 'building' | 'running' | 'stopped' | 'absent';
  ipv4: string | null;
  ipv6: string | null;
}

/**
 * The port to a hypervisor platform. Every call may be repeated (a process can die between the call and the commit
 * that records it), so every call must be idempotent for the same machine and attempt. A driver signals a
 * temporary problem (API unreachable) by throwing; the caller retries with backoff.
 */
export interface ProvisioningDriver {
  /** Accepts the build and picks the node that will host it. Allocates nothing yet. */
  create(spec: MachineSpec): Promise<{ node: string }>;
  /**
   * Runs (or checks on) one build step. The build job calls it until the step is done or failed, so a driver
   * whose API is asynchronous answers pending instead of blocking.
   */
  runStep(machine: Machine, step: BuildStep): Promise<StepOutcome>;
  status(machine: Machine): Promise<MachineStatus>;
  /** Stops and locks a delivered machine, keeping its disk and addresses. */
  suspend(machine: Machine): Promise<void>;
  unsuspend(machine: Machine): Promise<void>;
  /** Gives a delivered (running or suspended) machine the resources of another plan. */
  resize(machine: Machine, resources: MachineSpec['resources']): Promise<void>;
  /** Deletes a delivered machine for good. */
  terminate(machine: Machine): Promise<void>;
  /** Frees whatever was allocated for the machine, built or half-built; a no-op when nothing is left. */
  release(machine: Machine): Promise<void>;
}
