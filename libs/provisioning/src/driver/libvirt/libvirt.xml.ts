import { createHash } from 'node:crypto';
import type { HypervisorNodeInfo, MachineSpec } from '../provisioning.driver.js';

/** kvm needs /dev/kvm on the node; qemu (TCG) runs anywhere, slowly. */
export type DomainType = 'kvm' | 'qemu';

/** Where the domain sees its disk and its first-boot seed: the driver names these devices later. */
export const DISK_TARGET = 'vda';
export const SEED_TARGET = 'sda';

export const GIB = 1024 ** 3;

/** The namespace of the <metadata> element that ties a domain to its service. */
export const METADATA_NAMESPACE = 'https://platforma.dev/xmlns/libvirt/machine/1';

// Every name comes from the service id alone: a repeated call finds what an earlier one made.
export function domainName(serviceId: string): string {
  return `pf-${serviceId}`;
}

export function overlayVolume(serviceId: string): string {
  return `pf-${serviceId}-disk.qcow2`;
}

export function seedVolume(serviceId: string): string {
  return `pf-${serviceId}-seed.iso`;
}

/** The seed is uploaded here and then cloned to its name in one server-side call: a half upload is never "done". */
export function seedUploadVolume(serviceId: string): string {
  return `pf-${serviceId}-seed.upload.iso`;
}

/** Every volume a machine can leave in its pool. */
export function machineVolumes(serviceId: string): string[] {
  return [overlayVolume(serviceId), seedVolume(serviceId), seedUploadVolume(serviceId)];
}

function digest(serviceId: string): Buffer {
  return createHash('sha256').update(`platforma-machine:${serviceId}`).digest();
}

/**
 * 52:54 (QEMU's prefix: locally administered, unicast) and 32 bits of the service id's hash: the same NIC after
 * every redefinition, and on a bridge of thousands of guests a collision stays unlikely (52:54:00 would leave 24).
 */
export function macAddress(serviceId: string): string {
  const hash = digest(serviceId);
  return ['52', '54', ...[0, 1, 2, 3].map((i) => hash[i].toString(16).padStart(2, '0'))].join(':');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The service id when it is a UUID (it always is in the database); else a name-based UUID (version 8) from it. */
export function domainUuid(serviceId: string): string {
  if (UUID.test(serviceId)) {
    return serviceId.toLowerCase();
  }
  const hex = Buffer.from(digest(serviceId).subarray(0, 16));
  hex[6] = (hex[6] & 0x0f) | 0x80;
  hex[8] = (hex[8] & 0x3f) | 0x80;
  const s = hex.toString('hex');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A qcow2 overlay on the image's base volume: the guest's writes land here, the base stays shared. */
export function overlayVolumeXml(volume: {
  name: string;
  capacityBytes: number;
  backingPath: string;
}): string {
  return `<volume>
  <name>${escapeXml(volume.name)}</name>
  <capacity unit='bytes'>${volume.capacityBytes}</capacity>
  <target>
    <format type='qcow2'/>
    <compat>1.1</compat>
  </target>
  <backingStore>
    <path>${escapeXml(volume.backingPath)}</path>
    <format type='qcow2'/>
  </backingStore>
</volume>
`;
}

export interface DomainXmlInput {
  machine: Pick<MachineSpec, 'serviceId' | 'attempt' | 'resources'>;
  node: Pick<HypervisorNodeInfo, 'storagePool' | 'bridge'>;
  type: DomainType;
}

/**
 * The machine's domain: the overlay as virtio disk, the seed as SATA cdrom (q35 has no IDE), one virtio NIC on the
 * node's bridge (user-mode networking without one: development and tests), a serial console and no display.
 */
export function domainXml({ machine, node, type }: DomainXmlInput): string {
  const id = machine.serviceId;
  const pool = escapeXml(node.storagePool);
  const nic = node.bridge
    ? `<interface type='bridge'>
      <source bridge='${escapeXml(node.bridge)}'/>`
    : `<interface type='user'>`;
  return `<domain type='${type}'>
  <name>${escapeXml(domainName(id))}</name>
  <uuid>${domainUuid(id)}</uuid>
  <metadata>
    <pf:machine xmlns:pf='${METADATA_NAMESPACE}'>
      <pf:service>${escapeXml(id)}</pf:service>
      <pf:attempt>${machine.attempt}</pf:attempt>
    </pf:machine>
  </metadata>
  <memory unit='MiB'>${machine.resources.memoryMb}</memory>
  <currentMemory unit='MiB'>${machine.resources.memoryMb}</currentMemory>
  <vcpu placement='static'>${machine.resources.vcpus}</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='${pool}' volume='${escapeXml(overlayVolume(id))}'/>
      <target dev='${DISK_TARGET}' bus='virtio'/>
    </disk>
    <disk type='volume' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source pool='${pool}' volume='${escapeXml(seedVolume(id))}'/>
      <target dev='${SEED_TARGET}' bus='sata'/>
      <readonly/>
    </disk>
    ${nic}
      <mac address='${macAddress(id)}'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
  </devices>
</domain>
`;
}

/** Resources of a domain definition as dumpxml prints it back (memory always in KiB there). */
export interface DomainResources {
  vcpus: number;
  memoryMb: number;
}

export function domainResources(xml: string): DomainResources {
  const vcpu = /<vcpu\b([^>]*)>(\d+)<\/vcpu>/.exec(xml);
  const memory = /<memory unit='KiB'>(\d+)<\/memory>/.exec(xml);
  if (!vcpu || !memory) {
    throw new Error('domain XML without <vcpu> or <memory unit="KiB">');
  }
  const current = /\bcurrent='(\d+)'/.exec(vcpu[1]);
  return { vcpus: Number(current ? current[1] : vcpu[2]), memoryMb: Number(memory[1]) / 1024 };
}
