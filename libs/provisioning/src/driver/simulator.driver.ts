import { createHash } from 'node:crypto';
import type { BuildStep } from '../build.state.js';
import type {
  BuildSecrets,
  Machine,
  MachineStatus,
  PowerAction,
  ProvisioningDriver,
  StepOutcome,
} from './provisioning.driver.js';

interface Trigger {
  prefix: string;
  step: BuildStep;
  reason: string;
  message: string;
  /** Whether the failure happens on this attempt, and whether requesting again may help. */
  appliesTo: (attempt: number) => boolean;
  retryable: boolean;
}

/**
 * Failures storefront testers can provoke through the hostname (documented in libs/provisioning/README.md). They
 * depend only on the request, so they replay the same way after a restart.
 */
export const SIMULATED_FAILURES: readonly Trigger[] = [
  {
    prefix: 'fail-',
    step: 'installing_image',
    reason: 'image_install_failed',
    message: 'Simulated: the image could not be written to the disk.',
    appliesTo: () => true,
    retryable: false,
  },
  {
    prefix: 'nocap-',
    step: 'allocating',
    reason: 'no_capacity',
    message: 'Simulated: no node in the region has room for the plan.',
    appliesTo: () => true,
    retryable: true,
  },
  {
    prefix: 'flaky-',
    step: 'booting',
    reason: 'boot_timeout',
    message: 'Simulated: the machine did not answer after boot (first attempt only).',
    appliesTo: (attempt) => attempt === 1,
    retryable: true,
  },
];

// A slug is at most 64 characters: "sim-" + region + "-1" must fit.
const MAX_REGION_IN_NODE = 64 - 'sim-'.length - '-1'.length;

function digest(serviceId: string): Buffer {
  return createHash('sha256').update(serviceId).digest();
}

/** 203.0.113.1–254 (TEST-NET-3), the same for the same service id. */
export function simulatedIpv4(serviceId: string): string {
  return `203.0.113.${(digest(serviceId).readUInt16BE(0) % 254) + 1}`;
}

/**
 * An address in 2001:db8::/64 (documentation prefix) whose interface id comes from the service id. No group is
 * zero, so the text is already in the canonical form PostgreSQL's inet prints back.
 */
export function simulatedIpv6(serviceId: string): string {
  const hash = digest(serviceId);
  const groups = [2, 4, 6, 8].map((offset) => (hash.readUInt16BE(offset) || 1).toString(16));
  return `2001:db8::${groups.join(':')}`;
}

export function simulatedNode(region: string): string {
  return `sim-${region.slice(0, MAX_REGION_IN_NODE)}-1`;
}

/**
 * The default driver: no network, no hypervisor. Each step takes stepMs (reported as pending, so the build job is
 * never blocked), addresses and node are derived from the request. It remembers only when each running step
 * started and which machines a customer powered off; after a restart a step simply starts over, which a build
 * tolerates, and every machine runs again.
 */
export class SimulatorDriver implements ProvisioningDriver {
  readonly firstBootSeed = false;
  private readonly stepStartedAt = new Map<string, number>();
  private readonly stopped = new Set<string>();

  constructor(
    private readonly stepMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The simulator writes no password anywhere: the secrets are not read. */
  runStep(machine: Machine, step: BuildStep, _secrets?: BuildSecrets): Promise<StepOutcome> {
    const key = `${machine.serviceId}/${machine.attempt}/${step}`;
    const now = this.now();
    const startedAt = this.stepStartedAt.get(key) ?? now;
    const left = startedAt + this.stepMs - now;
    if (left > 0) {
      this.stepStartedAt.set(key, startedAt);
      return Promise.resolve({ kind: 'pending', checkAfterMs: left });
    }
    this.stepStartedAt.delete(key);
    const failure = simulatedFailure(machine, step);
    return Promise.resolve(
      failure
        ? { kind: 'failed', reason: failure.reason, message: failure.message, retryable: failure.retryable }
        : { kind: 'done' },
    );
  }

  status(machine: Machine): Promise<MachineStatus> {
    return Promise.resolve({
      power: this.stopped.has(machine.serviceId) ? 'stopped' : 'running',
      ipv4: simulatedIpv4(machine.serviceId),
      ipv6: simulatedIpv6(machine.serviceId),
    });
  }

  removeSeed(): Promise<void> {
    return Promise.resolve();
  }

  suspend(machine: Machine): Promise<void> {
    this.stopped.add(machine.serviceId);
    return Promise.resolve();
  }

  unsuspend(machine: Machine): Promise<void> {
    this.stopped.delete(machine.serviceId);
    return Promise.resolve();
  }

  power(machine: Machine, action: PowerAction): Promise<void> {
    if (action === 'power_off') {
      this.stopped.add(machine.serviceId);
    } else {
      this.stopped.delete(machine.serviceId);
    }
    return Promise.resolve();
  }

  /** A reinstall boots the machine again, like a real one. */
  reinstall(machine: Machine): Promise<void> {
    this.stopped.delete(machine.serviceId);
    return Promise.resolve();
  }

  resize(): Promise<void> {
    return Promise.resolve();
  }

  terminate(machine: Machine): Promise<void> {
    return this.release(machine);
  }

  release(machine: Machine): Promise<void> {
    this.stopped.delete(machine.serviceId);
    for (const key of this.stepStartedAt.keys()) {
      if (key.startsWith(`${machine.serviceId}/`)) {
        this.stepStartedAt.delete(key);
      }
    }
    return Promise.resolve();
  }
}

function simulatedFailure(machine: Machine, step: BuildStep): Trigger | undefined {
  const hostname = machine.hostname.toLowerCase();
  return SIMULATED_FAILURES.find(
    (t) => t.step === step && hostname.startsWith(t.prefix) && t.appliesTo(machine.attempt),
  );
}
