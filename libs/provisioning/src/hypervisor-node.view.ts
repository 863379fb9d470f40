import type { HypervisorNode } from './entities/hypervisor-node.entity.js';

interface Amounts {
  vcpus: number;
  memoryMb: number;
  diskGb: number;
}

/** What an administrator sees of a node: its configuration and its capacity, used and free. */
export interface HypervisorNodeView {
  id: string;
  region: string;
  uri: string;
  storagePool: string;
  bridge: string | null;
  images: Record<string, string>;
  enabled: boolean;
  /** vcpus are physical; schedulableVcpus = floor(vcpus × cpuOvercommit) is what guests may be given. */
  capacity: Amounts & { cpuOvercommit: number; schedulableVcpus: number };
  used: Amounts;
  free: Amounts;
  reservations: number;
  createdAt: string;
  updatedAt: string;
}

/** floor(vcpus × overcommit) as PostgreSQL's numeric computes it (a ratio has two decimals; no float rounding). */
export function schedulableVcpus(vcpus: number, cpuOvercommit: number): number {
  return Math.floor((vcpus * Math.round(cpuOvercommit * 100)) / 100);
}

export function toNodeView(node: HypervisorNode, reservations: number): HypervisorNodeView {
  const schedulable = schedulableVcpus(node.vcpus, node.cpuOvercommit);
  return {
    id: node.id,
    region: node.region,
    uri: node.uri,
    storagePool: node.storagePool,
    bridge: node.bridge,
    images: node.images,
    enabled: node.enabled,
    capacity: {
      vcpus: node.vcpus,
      memoryMb: node.memoryMb,
      diskGb: node.diskGb,
      cpuOvercommit: node.cpuOvercommit,
      schedulableVcpus: schedulable,
    },
    used: { vcpus: node.usedVcpus, memoryMb: node.usedMemoryMb, diskGb: node.usedDiskGb },
    free: {
      vcpus: schedulable - node.usedVcpus,
      memoryMb: node.memoryMb - node.usedMemoryMb,
      diskGb: node.diskGb - node.usedDiskGb,
    },
    reservations,
    createdAt: node.createdAt.toISOString(),
    updatedAt: node.updatedAt.toISOString(),
  };
}
