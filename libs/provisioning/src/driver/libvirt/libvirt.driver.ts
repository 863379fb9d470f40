import type {
  BuildSecrets,
  HypervisorNodeInfo,
  Machine,
  MachineSpec,
  MachineStatus,
  NodeDirectory,
  PowerAction,
  ProvisioningDriver,
  StepOutcome,
} from '../provisioning.driver.js';
import { seedFiles } from './cloud-init.config.js';
import {
  DISK_TARGET,
  domainName,
  domainResources,
  domainXml,
  type DomainType,
  GIB,
  macAddress,
  machineVolumes,
  overlayVolume,
  overlayVolumeXml,
  SEED_TARGET,
  seedUploadVolume,
  seedVolume,
} from './libvirt.xml.js';
import { hashPassword, withSeedIso } from './seed-iso.builder.js';
import { VirshClient, VirshError } from './virsh.client.js';

export interface LibvirtDriverOptions {
  /** The virsh binary (default: virsh on PATH). */
  virsh?: string;
  /** Where seed ISOs are put together before their upload (default: the OS temp dir). */
  seedDir?: string;
  /** How long booting may stay pending before it fails (default 2 minutes). */
  bootTimeoutMs?: number;
  /** Default per node: kvm when the node's libvirt can run kvm domains (it has a usable /dev/kvm), else qemu. */
  domainType?: DomainType;
  /** Per virsh call (default 60 s). */
  callTimeoutMs?: number;
}

type BuildStep = Parameters<ProvisioningDriver['runStep']>[1];

const DONE: StepOutcome = { kind: 'done' };
const BOOT_CHECK_MS = 500;
// Domain states without a QEMU process; every other state (running, paused, in shutdown, …) has one.
const INACTIVE = new Set(['shut off', 'crashed']);

function isActive(state: string | null): boolean {
  return state !== null && !INACTIVE.has(state);
}

/**
 * Machines as libvirt domains on the node the machine was placed on, driven through Debian's virsh. A machine is a
 * qcow2 overlay on its image's base volume, a cloud-init NoCloud seed ISO and a domain, all named after the service
 * id, so every call first looks at what is there and does only what is missing.
 *
 * Takes effect at once: power, suspend, reinstall. resize applies to the definition and, when the machine runs,
 * power-cycles it (destroy + start) so it runs with the plan it is billed for; a reboot would not do (a reset keeps
 * the running QEMU and its resources). Only a disk growth on a running machine happens live (blockresize), without
 * a restart. A stopped or suspended machine gets its new resources at its next start.
 */
export class LibvirtDriver implements ProvisioningDriver {
  readonly firstBootSeed = true;
  private readonly virsh: VirshClient;
  private readonly bootTimeoutMs: number;
  private readonly kvmByNode = new Map<string, boolean>();
  /** When booting was first asked for, per service and attempt; a restart simply starts the wait over. */
  private readonly bootStartedAt = new Map<string, number>();

  constructor(
    private readonly nodes: NodeDirectory,
    private readonly options: LibvirtDriverOptions = {},
  ) {
    this.virsh = new VirshClient({ binary: options.virsh, timeoutMs: options.callTimeoutMs });
    this.bootTimeoutMs = options.bootTimeoutMs ?? 120_000;
  }

  async runStep(machine: Machine, step: BuildStep, secrets: BuildSecrets): Promise<StepOutcome> {
    const node = await this.nodes.get(machine.node);
    switch (step) {
      case 'allocating':
        return (await this.basePath(machine, node)) ? DONE : imageUnavailable(machine, node);
      case 'creating_disk':
        return this.createDisk(machine, node);
      case 'installing_image':
        if (!(await this.virsh.volumePath(node.uri, node.storagePool, seedVolume(machine.serviceId)))) {
          await this.writeSeed(machine, node, secrets);
        }
        await this.virsh.deleteVolume(node.uri, node.storagePool, seedUploadVolume(machine.serviceId));
        return DONE;
      case 'configuring_network':
        if ((await this.virsh.domainState(node.uri, domainName(machine.serviceId))) === null) {
          await this.virsh.define(node.uri, domainXml({ machine, node, type: await this.domainType(node) }));
        }
        return DONE;
      case 'booting':
        return this.boot(machine, node);
    }
  }

  async status(machine: Machine): Promise<MachineStatus> {
    const node = await this.nodes.get(machine.node);
    const state = await this.virsh.domainState(node.uri, domainName(machine.serviceId));
    return {
      power: powerOf(state),
      ipv4: machine.network?.ipv4.address ?? null,
      ipv6: machine.network?.ipv6?.address ?? null,
    };
  }

  async removeSeed(machine: Machine): Promise<void> {
    const node = await this.nodes.get(machine.node);
    const domain = domainName(machine.serviceId);
    const state = await this.virsh.domainState(node.uri, domain);
    if (state !== null) {
      await this.virsh.ejectMedia(node.uri, domain, SEED_TARGET, isActive(state));
    }
    await this.virsh.deleteVolume(node.uri, node.storagePool, seedVolume(machine.serviceId));
    await this.virsh.deleteVolume(node.uri, node.storagePool, seedUploadVolume(machine.serviceId));
  }

  async suspend(machine: Machine): Promise<void> {
    const { node, domain, state } = await this.stop(machine);
    if (state !== null) {
      await this.virsh.setAutostart(node.uri, domain, false);
    }
  }

  /** Stops the machine's domain if it runs; its state before, null when it is not defined. */
  private async stop(
    machine: Machine,
  ): Promise<{ node: HypervisorNodeInfo; domain: string; state: string | null }> {
    const node = await this.nodes.get(machine.node);
    const domain = domainName(machine.serviceId);
    const state = await this.virsh.domainState(node.uri, domain);
    if (isActive(state)) {
      await this.virsh.destroy(node.uri, domain);
    }
    return { node, domain, state };
  }

  async unsuspend(machine: Machine): Promise<void> {
    const { node, domain, state } = await this.requireDomain(machine);
    await this.virsh.setAutostart(node.uri, domain, true);
    if (!isActive(state)) {
      await this.virsh.start(node.uri, domain);
    }
  }

  async power(machine: Machine, action: PowerAction): Promise<void> {
    const { node, domain, state } = await this.requireDomain(machine);
    const active = isActive(state);
    switch (action) {
      case 'reboot':
        // A guest without a working OS ignores ACPI; a reset always works.
        await (active ? this.virsh.reset(node.uri, domain) : this.virsh.start(node.uri, domain));
        return;
      case 'power_off':
        if (active) {
          await this.virsh.destroy(node.uri, domain);
        }
        return;
      case 'power_on':
        if (!active) {
          await this.virsh.start(node.uri, domain);
        }
        return;
    }
  }

  async resize(machine: Machine, resources: MachineSpec['resources']): Promise<void> {
    const { node, domain, state } = await this.requireDomain(machine);
    const { uri, storagePool: pool } = node;
    const overlay = overlayVolume(machine.serviceId);
    const capacity = await this.virsh.volumeCapacity(uri, pool, overlay);
    if (capacity === null) {
      throw new Error(`${domain} on node ${node.id} has no disk volume ${overlay}`);
    }
    // A disk never shrinks (the guest's filesystem could not give the space back): a smaller plan keeps it.
    const wanted = resources.diskGb * GIB;
    const defined = domainResources(await this.requireXml(node, domain, true));
    const active = isActive(state);
    const live = active ? domainResources(await this.requireXml(node, domain, false)) : defined;
    const cycle = active && (live.vcpus !== resources.vcpus || live.memoryMb !== resources.memoryMb);
    if (cycle) {
      await this.virsh.destroy(uri, domain);
    }
    if (defined.vcpus !== resources.vcpus) {
      await this.virsh.setVcpus(uri, domain, resources.vcpus);
    }
    if (defined.memoryMb !== resources.memoryMb) {
      await this.virsh.setMemory(uri, domain, resources.memoryMb);
    }
    if (capacity < wanted) {
      await (active && !cycle
        ? this.virsh.blockResize(uri, domain, DISK_TARGET, wanted)
        : this.virsh.resizeVolume(uri, pool, overlay, wanted));
    }
    if (cycle) {
      await this.virsh.start(uri, domain);
    }
  }

  async reinstall(machine: Machine, secrets: BuildSecrets): Promise<void> {
    const node = await this.nodes.get(machine.node);
    const domain = domainName(machine.serviceId);
    const state = await this.virsh.domainState(node.uri, domain);
    if (isActive(state)) {
      await this.virsh.destroy(node.uri, domain);
    }
    for (const volume of machineVolumes(machine.serviceId)) {
      await this.virsh.deleteVolume(node.uri, node.storagePool, volume);
    }
    const disk = await this.createDisk(machine, node);
    if (disk.kind === 'failed') {
      throw new Error(`reinstalling ${domain}: ${disk.message}`);
    }
    const seedPath = await this.writeSeed(machine, node, secrets);
    if (state === null) {
      await this.virsh.define(node.uri, domainXml({ machine, node, type: await this.domainType(node) }));
    } else {
      // removeSeed ejected the cdrom from the definition: put the new seed back in.
      await this.virsh.ejectMedia(node.uri, domain, SEED_TARGET, false);
      await this.virsh.insertMedia(node.uri, domain, SEED_TARGET, seedPath);
    }
    await this.virsh.start(node.uri, domain);
  }

  terminate(machine: Machine): Promise<void> {
    return this.release(machine);
  }

  async release(machine: Machine): Promise<void> {
    const { node, domain, state } = await this.stop(machine);
    if (state !== null) {
      await this.virsh.undefine(node.uri, domain);
    }
    for (const volume of machineVolumes(machine.serviceId)) {
      await this.virsh.deleteVolume(node.uri, node.storagePool, volume);
    }
    for (const key of this.bootStartedAt.keys()) {
      if (key.startsWith(`${machine.serviceId}/`)) {
        this.bootStartedAt.delete(key);
      }
    }
  }

  /** The path of the image's base volume on the node, null when the node does not have the image. */
  private async basePath(machine: Machine, node: HypervisorNodeInfo): Promise<string | null> {
    if (!Object.hasOwn(node.images, machine.image)) {
      return null;
    }
    return this.virsh.volumePath(node.uri, node.storagePool, node.images[machine.image]);
  }

  private async createDisk(machine: Machine, node: HypervisorNodeInfo): Promise<StepOutcome> {
    const name = overlayVolume(machine.serviceId);
    if (await this.virsh.volumePath(node.uri, node.storagePool, name)) {
      return DONE;
    }
    const backingPath = await this.basePath(machine, node);
    if (!backingPath) {
      return imageUnavailable(machine, node);
    }
    const capacityBytes = machine.resources.diskGb * GIB;
    await this.virsh.createVolume(
      node.uri,
      node.storagePool,
      overlayVolumeXml({ name, capacityBytes, backingPath }),
    );
    return DONE;
  }

  /**
   * Builds the seed locally and uploads it under a scratch name, then clones it to its own name in one call on the
   * node: the seed exists only complete. Answers the seed's path on the node.
   */
  private async writeSeed(
    machine: Machine,
    node: HypervisorNodeInfo,
    secrets: BuildSecrets,
  ): Promise<string> {
    const { uri, storagePool: pool } = node;
    const upload = seedUploadVolume(machine.serviceId);
    const seed = seedVolume(machine.serviceId);
    const files = seedFiles({
      machine,
      network: machine.network,
      mac: macAddress(machine.serviceId),
      rootPasswordHash: await hashPassword(await secrets.rootPassword()),
      sshKeys: secrets.sshKeys,
    });
    await withSeedIso(files, { dir: this.options.seedDir }, async (iso) => {
      await this.virsh.deleteVolume(uri, pool, upload);
      await this.virsh.createRawVolume(uri, pool, upload, iso.bytes);
      await this.virsh.uploadVolume(uri, pool, upload, iso.path);
    });
    await this.virsh.cloneVolume(uri, pool, upload, seed);
    await this.virsh.deleteVolume(uri, pool, upload);
    const path = await this.virsh.volumePath(uri, pool, seed);
    if (!path) {
      throw new Error(
        `the seed ${seed} vanished from pool ${pool} on node ${node.id} right after its upload`,
      );
    }
    return path;
  }

  private async boot(machine: Machine, node: HypervisorNodeInfo): Promise<StepOutcome> {
    const domain = domainName(machine.serviceId);
    const key = `${machine.serviceId}/${machine.attempt}`;
    let state = await this.virsh.domainState(node.uri, domain);
    if (state === null) {
      return bootFailed(`${domain} is not defined on node ${node.id}`);
    }
    const startedAt = this.bootStartedAt.get(key) ?? Date.now();
    this.bootStartedAt.set(key, startedAt);
    if (INACTIVE.has(state)) {
      try {
        await this.virsh.start(node.uri, domain);
      } catch (error) {
        if (error instanceof VirshError && error.failure !== 'unreachable') {
          this.bootStartedAt.delete(key);
          return bootFailed(`${domain} did not start: ${error.stderr.trim()}`);
        }
        throw error;
      }
      state = await this.virsh.domainState(node.uri, domain);
    }
    if (state === 'running') {
      // Back after a reboot of the node, like any delivered machine (suspend turns this off).
      await this.virsh.setAutostart(node.uri, domain, true);
      this.bootStartedAt.delete(key);
      return DONE;
    }
    if (Date.now() - startedAt >= this.bootTimeoutMs) {
      this.bootStartedAt.delete(key);
      return bootFailed(
        `${domain} is ${state ?? 'gone'}, not running, ${this.bootTimeoutMs} ms after its start`,
      );
    }
    return { kind: 'pending', checkAfterMs: BOOT_CHECK_MS };
  }

  private async requireDomain(
    machine: Machine,
  ): Promise<{ node: HypervisorNodeInfo; domain: string; state: string }> {
    const node = await this.nodes.get(machine.node);
    const domain = domainName(machine.serviceId);
    const state = await this.virsh.domainState(node.uri, domain);
    if (state === null) {
      throw new Error(`${domain} is not defined on node ${node.id}`);
    }
    return { node, domain, state };
  }

  private async requireXml(node: HypervisorNodeInfo, domain: string, inactive: boolean): Promise<string> {
    const xml = await this.virsh.domainXml(node.uri, domain, inactive);
    if (xml === null) {
      throw new Error(`${domain} vanished from node ${node.id}`);
    }
    return xml;
  }

  private async domainType(node: HypervisorNodeInfo): Promise<DomainType> {
    if (this.options.domainType) {
      return this.options.domainType;
    }
    let kvm = this.kvmByNode.get(node.id);
    if (kvm === undefined) {
      kvm = await this.virsh.supportsKvm(node.uri);
      this.kvmByNode.set(node.id, kvm);
    }
    return kvm ? 'kvm' : 'qemu';
  }
}

function powerOf(state: string | null): MachineStatus['power'] {
  switch (state) {
    case null:
      return 'absent';
    case 'running':
      return 'running';
    case 'shut off':
      return 'stopped';
    default:
      return 'building';
  }
}

function imageUnavailable(machine: Machine, node: HypervisorNodeInfo): StepOutcome {
  return {
    kind: 'failed',
    reason: 'image_unavailable',
    message: `Node ${node.id} has no base volume for image ${machine.image} in pool ${node.storagePool}.`,
    retryable: false,
  };
}

function bootFailed(message: string): StepOutcome {
  return { kind: 'failed', reason: 'boot_failed', message, retryable: true };
}
