import { randomUUID } from 'node:crypto';
import {
  domainName,
  domainResources,
  domainUuid,
  domainXml,
  type DomainXmlInput,
  macAddress,
  machineVolumes,
  METADATA_NAMESPACE,
  overlayVolume,
  overlayVolumeXml,
  seedUploadVolume,
  seedVolume,
} from './libvirt.xml.js';

const SERVICE = '0197a3c2-5b8e-7d41-9f2a-3c4d5e6f7a8b';

function input(overrides: Partial<DomainXmlInput> = {}): DomainXmlInput {
  return {
    machine: { serviceId: SERVICE, attempt: 2, resources: { vcpus: 2, memoryMb: 1024, diskGb: 20 } },
    node: { storagePool: 'platforma', bridge: null },
    type: 'qemu',
    ...overrides,
  };
}

describe('libvirt names', () => {
  it('derives every name from the service id alone', () => {
    expect(domainName(SERVICE)).toBe(`pf-${SERVICE}`);
    expect(overlayVolume(SERVICE)).toBe(`pf-${SERVICE}-disk.qcow2`);
    expect(seedVolume(SERVICE)).toBe(`pf-${SERVICE}-seed.iso`);
    expect(seedUploadVolume(SERVICE)).toBe(`pf-${SERVICE}-seed.upload.iso`);
    expect(machineVolumes(SERVICE)).toEqual([
      overlayVolume(SERVICE),
      seedVolume(SERVICE),
      seedUploadVolume(SERVICE),
    ]);
    // Every volume of a machine shares the domain's name as prefix: cleanup by prefix finds them all.
    expect(machineVolumes(SERVICE).every((v) => v.startsWith(`${domainName(SERVICE)}-`))).toBe(true);
  });

  it('gives a service the same locally administered unicast MAC every time, and other services other MACs', () => {
    const mac = macAddress(SERVICE);
    expect(mac).toMatch(/^52:54(:[0-9a-f]{2}){4}$/);
    expect(macAddress(SERVICE)).toBe(mac);
    const first = parseInt(mac.slice(0, 2), 16);
    expect(first & 0x02).toBe(0x02); // locally administered
    expect(first & 0x01).toBe(0); // unicast
    const macs = new Set(Array.from({ length: 2_000 }, () => macAddress(randomUUID())));
    expect(macs.size).toBe(2_000);
  });

  it('uses the service id as domain uuid, and derives a valid one from an id that is not a UUID', () => {
    expect(domainUuid(SERVICE.toUpperCase())).toBe(SERVICE);
    const derived = domainUuid('not-a-uuid');
    expect(derived).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(domainUuid('not-a-uuid')).toBe(derived);
    expect(domainUuid('another-id')).not.toBe(derived);
  });
});

describe(overlayVolumeXml.name, () => {
  it('is a qcow2 of the asked capacity backed by the base volume (qcow2)', () => {
    const xml = overlayVolumeXml({
      name: overlayVolume(SERVICE),
      capacityBytes: 20 * 1024 ** 3,
      backingPath: '/pool/base-ubuntu-24.04.qcow2',
    });
    expect(xml).toContain(`<name>pf-${SERVICE}-disk.qcow2</name>`);
    expect(xml).toContain(`<capacity unit='bytes'>21474836480</capacity>`);
    expect(xml).toMatch(/<target>\s*<format type='qcow2'\/>/);
    expect(xml).toMatch(
      /<backingStore>\s*<path>\/pool\/base-ubuntu-24\.04\.qcow2<\/path>\s*<format type='qcow2'\/>\s*<\/backingStore>/,
    );
  });

  it('escapes what XML would read as markup', () => {
    const xml = overlayVolumeXml({ name: 'a<b', capacityBytes: 1, backingPath: `/p/x&'y".qcow2` });
    expect(xml).toContain('<name>a&#60;b</name>');
    expect(xml).toContain('<path>/p/x&#38;&#39;y&#34;.qcow2</path>');
  });
});

describe(domainXml.name, () => {
  it('names the domain after the service, with its uuid, attempt, vCPUs and memory', () => {
    const xml = domainXml(input());
    expect(xml).toMatch(/^<domain type='qemu'>/);
    expect(xml).toContain(`<name>pf-${SERVICE}</name>`);
    expect(xml).toContain(`<uuid>${SERVICE}</uuid>`);
    expect(xml).toContain(`<pf:machine xmlns:pf='${METADATA_NAMESPACE}'>`);
    expect(xml).toContain(`<pf:service>${SERVICE}</pf:service>`);
    expect(xml).toContain('<pf:attempt>2</pf:attempt>');
    expect(xml).toContain(`<memory unit='MiB'>1024</memory>`);
    expect(xml).toContain(`<currentMemory unit='MiB'>1024</currentMemory>`);
    expect(xml).toContain(`<vcpu placement='static'>2</vcpu>`);
    expect(domainXml(input({ type: 'kvm' }))).toMatch(/^<domain type='kvm'>/);
  });

  it('boots the overlay as virtio disk with the seed as SATA cdrom, both from the node pool', () => {
    const xml = domainXml(input());
    expect(xml).toMatch(
      new RegExp(
        `<disk type='volume' device='disk'>\\s*<driver name='qemu' type='qcow2'/>\\s*` +
          `<source pool='platforma' volume='pf-${SERVICE}-disk.qcow2'/>\\s*<target dev='vda' bus='virtio'/>`,
      ),
    );
    expect(xml).toMatch(
      new RegExp(
        `<disk type='volume' device='cdrom'>\\s*<driver name='qemu' type='raw'/>\\s*` +
          `<source pool='platforma' volume='pf-${SERVICE}-seed.iso'/>\\s*<target dev='sda' bus='sata'/>\\s*<readonly/>`,
      ),
    );
  });

  it('joins the node bridge when it has one, user-mode networking otherwise, always with the service MAC', () => {
    const mac = macAddress(SERVICE);
    const bridged = domainXml(input({ node: { storagePool: 'platforma', bridge: 'br0' } }));
    expect(bridged).toMatch(
      new RegExp(
        `<interface type='bridge'>\\s*<source bridge='br0'/>\\s*<mac address='${mac}'/>\\s*<model type='virtio'/>`,
      ),
    );
    expect(bridged).not.toContain(`<interface type='user'>`);
    const user = domainXml(input());
    expect(user).toMatch(new RegExp(`<interface type='user'>\\s*<mac address='${mac}'/>`));
    expect(user).not.toContain('<source bridge');
  });

  it('destroys on power-off, has a serial console on a pty and no display', () => {
    const xml = domainXml(input());
    expect(xml).toContain('<on_poweroff>destroy</on_poweroff>');
    expect(xml).toMatch(/<serial type='pty'>\s*<target port='0'\/>/);
    expect(xml).toMatch(/<console type='pty'>\s*<target type='serial' port='0'\/>/);
    expect(xml).not.toMatch(/<graphics|<video/);
  });

  it('is the same XML for the same machine', () => {
    expect(domainXml(input())).toBe(domainXml(input()));
  });
});

describe(domainResources.name, () => {
  it('reads vCPUs and memory back from dumpxml (memory in KiB there)', () => {
    const xml = `<domain><memory unit='KiB'>131072</memory><currentMemory unit='KiB'>131072</currentMemory>
      <vcpu placement='static'>3</vcpu></domain>`;
    expect(domainResources(xml)).toEqual({ vcpus: 3, memoryMb: 128 });
  });

  it('takes the current vCPU count when it is below the maximum', () => {
    const xml = `<memory unit='KiB'>65536</memory><vcpu placement='static' current='2'>4</vcpu>`;
    expect(domainResources(xml)).toEqual({ vcpus: 2, memoryMb: 64 });
  });

  it('refuses XML without them', () => {
    expect(() => domainResources('<domain/>')).toThrow(/vcpu/);
  });
});
