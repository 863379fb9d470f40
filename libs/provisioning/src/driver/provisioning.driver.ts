import type { BuildStep } from '../build.state.js';

/** Nest token of the driver; PROVISIONING_DRIVER=libvirt|simulator picks the implementation. */
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

/** One static address the guest configures through cloud-init network-config. */
export interface AddressLease {
  address: string;
  prefix: number;
  gateway: string;
  dns: string[];
}

/** The addresses placement leased to the machine; null for a driver that brings its own (the simulator). */
export interface MachineNetwork {
  ipv4: AddressLease;
  ipv6: AddressLease | null;
}

/** A machine placed on a node: every later call names it by this. */
export interface Machine extends MachineSpec {
  node: string;
  network: MachineNetwork | null;
}

/**
 * What a build step may need besides the machine. The root password is only read for the step that writes it into
 * the guest's first-boot configuration, and only in memory.
 */
export interface BuildSecrets {
  rootPassword(): Promise<string>;
  sshKeys: readonly string[];
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

/** What a customer may do to a delivered machine (reinstall has its own call: it needs new credentials). */
export type PowerAction = 'reboot' | 'power_off' | 'power_on';

/**
 * The port to a hypervisor platform. Every call may be repeated (a process can die between the call and the commit
 * that records it), so every call must be idempotent for the same machine and attempt. A driver signals a
 * temporary problem (API unreachable) by throwing; the caller retries with backoff.
 */
export interface ProvisioningDriver {
  /** Whether builds leave a first-boot seed on the node that removeSeed must delete once the guest has read it. */
  readonly firstBootSeed: boolean;
  /**
   * Runs (or checks on) one build step. The build job calls it until the step is done or failed, so a driver
   * whose API is asynchronous answers pending instead of blocking.
   */
  runStep(machine: Machine, step: BuildStep, secrets: BuildSecrets): Promise<StepOutcome>;
  status(machine: Machine): Promise<MachineStatus>;
  /** Removes the first-boot seed (it holds the root password's hash) once the guest has booted from it. */
  removeSeed(machine: Machine): Promise<void>;
  /** Stops and locks a delivered machine, keeping its disk and addresses. */
  suspend(machine: Machine): Promise<void>;
  unsuspend(machine: Machine): Promise<void>;
  /** Gives a delivered (running or suspended) machine the resources of another plan. */
  resize(machine: Machine, resources: MachineSpec['resources']): Promise<void>;
  power(machine: Machine, action: PowerAction): Promise<void>;
  /** Rebuilds the disk from the image with a new first-boot seed and starts the machine again. */
  reinstall(machine: Machine, secrets: BuildSecrets): Promise<void>;
  /** Deletes a delivered machine for good. */
  terminate(machine: Machine): Promise<void>;
  /** Frees whatever was allocated for the machine, built or half-built; a no-op when nothing is left. */
  release(machine: Machine): Promise<void>;
}

/** The room and addresses a build got; null from reserve when no node of the region has room. */
export interface Reservation {
  node: string;
  network: MachineNetwork | null;
}

/** Nest token of the placement that goes with the driver. */
export const PLACEMENT = Symbol('PLACEMENT');

/**
 * Chooses the node and leases the addresses of a machine, inside the caller's transaction: two builds racing for
 * the last slot (or the last address) cannot both win, and a rollback gives everything back.
 */
export interface Placement {
  reserve(tx: PlacementTx, tenantId: string, spec: MachineSpec): Promise<Reservation | null>;
  /** Gives the service's room and addresses back; a no-op when it holds none. */
  free(tx: PlacementTx, serviceId: string): Promise<void>;
  /**
   * Moves the service's reservation to another plan's resources on the same node (a disk never shrinks); false when
   * the node has no room for the growth. True when the service holds no reservation (nothing to account).
   */
  resize(tx: PlacementTx, serviceId: string, resources: MachineSpec['resources']): Promise<boolean>;
}

/** The transaction placement runs in (TypeORM's EntityManager; kept opaque here so drivers stay storage-free). */
export type PlacementTx = import('typeorm').EntityManager;

/** What a driver needs to know of a hypervisor node (managed by the admin API, see hypervisor-node.entity.ts). */
export interface HypervisorNodeInfo {
  id: string;
  region: string;
  /** libvirt connection URI: qemu:///system locally, qemu+ssh://user@host/system or qemu+tls://host/system. */
  uri: string;
  /** libvirt storage pool holding base images, overlays and seeds. */
  storagePool: string;
  /** Host bridge the guest's NIC joins; null: libvirt user-mode networking (development and tests only). */
  bridge: string | null;
  /** Image code (e.g. debian-12) → name of its base volume in the pool. */
  images: Record<string, string>;
}

export const NODE_DIRECTORY = Symbol('NODE_DIRECTORY');

export interface NodeDirectory {
  /** Throws when the node is unknown (a build placed on a node since removed cannot go on). */
  get(nodeId: string): Promise<HypervisorNodeInfo>;
}
