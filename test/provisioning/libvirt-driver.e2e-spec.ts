import { randomBytes, randomUUID } from 'node:crypto';
import {
  cleanupAll,
  deleteVolume,
  domainId,
  domainState,
  domainXml,
  hasDiskPattern,
  LIBVIRT_POOL,
  LIBVIRT_URI,
  makeBaseImage,
  poolVolumes,
  readSeedFile,
  requireLibvirt,
  virsh,
  volumeBacking,
  volumeCapacity,
  writeDiskPattern,
} from '../support/libvirt.js';
import {
  type BuildSecrets,
  type HypervisorNodeInfo,
  LibvirtDriver,
  type Machine,
  macAddress,
  type NodeDirectory,
  type StepOutcome,
} from '@app/provisioning';

const GIB = 1024 ** 3;
type Step = Parameters<LibvirtDriver['runStep']>[1];
const STEPS: readonly Step[] = [
  'allocating',
  'creating_disk',
  'installing_image',
  'configuring_network',
  'booting',
];

// The driver against the real libvirtd of scripts/libvirt/libvirt.sh (start + prepare): one machine of 1 vCPU,
// 64 MiB and 1 GB of disk on an empty base image of its own, taken through the build, every later call and its
// release; whatever the suite made is removed afterwards, even when it fails.
describe(LibvirtDriver.name, () => {
  const run = randomBytes(3).toString('hex');
  const base = `pftest-${run}-base.qcow2`;
  const node: HypervisorNodeInfo = {
    id: `lv-test-${run}`,
    region: 'test',
    uri: LIBVIRT_URI,
    storagePool: LIBVIRT_POOL,
    bridge: null,
    images: { 'ubuntu-24.04': base, 'debian-12': `pftest-${run}-missing.qcow2` },
  };
  const nodes: NodeDirectory = {
    get: (id) => (id === node.id ? Promise.resolve(node) : Promise.reject(new Error(`unknown node ${id}`))),
  };
  const driver = new LibvirtDriver(nodes, { bootTimeoutMs: 20_000 });
  const serviceIds: string[] = [];
  let basePath = '';

  function machine(overrides: Partial<Machine> = {}): Machine {
    const serviceId = randomUUID();
    serviceIds.push(serviceId);
    return {
      serviceId,
      region: 'test',
      image: 'ubuntu-24.04',
      hostname: `lv-${run}.example.com`,
      resources: { vcpus: 1, memoryMb: 64, diskGb: 1 },
      attempt: 1,
      node: node.id,
      network: {
        ipv4: { address: '192.0.2.10', prefix: 24, gateway: '192.0.2.1', dns: ['192.0.2.53'] },
        ipv6: { address: '2001:db8::10', prefix: 64, gateway: '2001:db8::1', dns: [] },
      },
      ...overrides,
    };
  }

  /** A password per secrets, and how often the driver read it. */
  function secrets(): BuildSecrets & { password: string; reads: number } {
    const s = {
      password: `Pw-${randomBytes(12).toString('base64url')}`,
      reads: 0,
      sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test@pf'],
      rootPassword: () => {
        s.reads += 1;
        return Promise.resolve(s.password);
      },
    };
    return s;
  }

  /** Runs a step as the build job does (again after each pending), then once more: a repeat must change nothing. */
  async function step(m: Machine, name: Step, s: BuildSecrets): Promise<StepOutcome> {
    let outcome = await driver.runStep(m, name, s);
    for (let polls = 0; outcome.kind === 'pending' && polls < 100; polls += 1) {
      await new Promise((resolve) =>
        setTimeout(resolve, outcome.kind === 'pending' ? outcome.checkAfterMs : 0),
      );
      outcome = await driver.runStep(m, name, s);
    }
    if (outcome.kind === 'done') {
      expect(await driver.runStep(m, name, s)).toEqual({ kind: 'done' });
    }
    return outcome;
  }

  const domain = (m: Machine) => `pf-${m.serviceId}`;
  const disk = (m: Machine) => `pf-${m.serviceId}-disk.qcow2`;
  const seed = (m: Machine) => `pf-${m.serviceId}-seed.iso`;
  const leftovers = async (m: Machine) => ({
    domain: await domainState(domain(m)),
    volumes: (await poolVolumes()).filter((v) => v.startsWith(domain(m))),
  });
  const cdrom = async (m: Machine) =>
    /^\s*sda\s+(\S+)\s*$/m.exec(await virsh(['domblklist', '--inactive', domain(m)]))?.[1];

  beforeAll(async () => {
    await requireLibvirt();
    basePath = await makeBaseImage(LIBVIRT_POOL, base);
  });

  afterAll(async () => {
    try {
      for (const id of serviceIds) {
        await cleanupAll(`pf-${id}`);
      }
    } finally {
      await deleteVolume(LIBVIRT_POOL, base);
    }
  });

  describe('one machine from build to release', () => {
    const m = machine();
    const first = secrets();
    const hashIn = (userData: string) => /"(\$6\$[^"]+)"/.exec(userData)?.[1];
    let firstHash: string | undefined;

    it('builds it through the five steps: a running domain on an overlay of the base image and a cidata seed', async () => {
      for (const name of STEPS) {
        expect([name, await step(m, name, first)]).toEqual([name, { kind: 'done' }]);
      }
      expect(first.reads).toBe(1);
      expect(await domainState(domain(m))).toBe('running');
      expect(await driver.status(m)).toEqual({ power: 'running', ipv4: '192.0.2.10', ipv6: '2001:db8::10' });

      expect(await volumeBacking(LIBVIRT_POOL, disk(m))).toBe(basePath);
      expect(await volumeCapacity(LIBVIRT_POOL, disk(m))).toBe(1 * GIB);

      const xml = await domainXml(domain(m));
      expect(xml).toMatch(/^<domain type='(kvm|qemu)' id='\d+'>/);
      expect(xml).toContain(`<uuid>${m.serviceId}</uuid>`);
      expect(xml).toContain(`<mac address='${macAddress(m.serviceId)}'/>`);
      expect(xml).toContain(`<interface type='user'>`);
      expect(xml).toContain(`<pf:attempt>1</pf:attempt>`);
      expect(await cdrom(m)).toBe(seed(m));
      expect(await virsh(['dominfo', domain(m)])).toMatch(/^Autostart:\s+enable$/m);
    });

    it('writes the hostname, a SHA-512 hash of the password (never the password) and the lease into the seed', async () => {
      const userData = await readSeedFile(LIBVIRT_POOL, seed(m), 'user-data');
      expect(userData).toMatch(/^#cloud-config\n/);
      expect(userData).toContain(m.hostname);
      expect(userData).toMatch(/"\$6\$[^$"]+\$[./0-9A-Za-z]{86}"/);
      expect(userData).toContain(
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
      );
      expect(userData).not.toContain(first.password);
      firstHash = hashIn(userData);
      const metaData = await readSeedFile(LIBVIRT_POOL, seed(m), 'meta-data');
      expect(metaData).toContain(`"${m.serviceId}-1"`);
      const network = await readSeedFile(LIBVIRT_POOL, seed(m), 'network-config');
      expect(network).toContain('"192.0.2.10/24"');
      expect(network).toContain('"192.0.2.1"');
      expect(network).toContain('"2001:db8::10/64"');
      expect(network).toContain(`"${macAddress(m.serviceId)}"`);
      expect(await poolVolumes()).not.toContain(`pf-${m.serviceId}-seed.upload.iso`);
    });

    it('powers off, on and reboots (a reset: the same QEMU process)', async () => {
      await driver.power(m, 'power_off');
      expect(await domainState(domain(m))).toBe('shut off');
      expect((await driver.status(m)).power).toBe('stopped');
      await driver.power(m, 'power_off');
      expect(await domainState(domain(m))).toBe('shut off');

      await driver.power(m, 'power_on');
      expect(await domainState(domain(m))).toBe('running');
      const id = await domainId(domain(m));
      await driver.power(m, 'power_on');
      expect(await domainId(domain(m))).toBe(id);

      await driver.power(m, 'reboot');
      expect(await domainState(domain(m))).toBe('running');
      expect(await domainId(domain(m))).toBe(id);

      await driver.power(m, 'power_off');
      await driver.power(m, 'reboot');
      expect(await domainState(domain(m))).toBe('running');
    });

    it('suspends (hard stop, no autostart) and unsuspends', async () => {
      await driver.suspend(m);
      expect(await domainState(domain(m))).toBe('shut off');
      expect(await virsh(['dominfo', domain(m)])).toMatch(/^Autostart:\s+disable$/m);
      await driver.suspend(m);
      expect(await domainState(domain(m))).toBe('shut off');

      await driver.unsuspend(m);
      expect(await domainState(domain(m))).toBe('running');
      expect(await virsh(['dominfo', domain(m)])).toMatch(/^Autostart:\s+enable$/m);
      await driver.unsuspend(m);
      expect(await domainState(domain(m))).toBe('running');
    });

    it('resizes: vCPUs and memory by a power cycle, a disk growth alone live; a disk never shrinks', async () => {
      const before = await domainId(domain(m));
      await driver.resize(m, { vcpus: 2, memoryMb: 128, diskGb: 2 });
      expect(await domainState(domain(m))).toBe('running');
      const cycled = await domainId(domain(m));
      expect(cycled).not.toBe(before);
      for (const xml of [await domainXml(domain(m)), await domainXml(domain(m), true)]) {
        expect(xml).toMatch(/<vcpu placement='static'>2<\/vcpu>/);
        expect(xml).toContain(`<memory unit='KiB'>131072</memory>`);
        expect(xml).toContain(`<currentMemory unit='KiB'>131072</currentMemory>`);
      }
      expect(await volumeCapacity(LIBVIRT_POOL, disk(m))).toBe(2 * GIB);

      await driver.resize(m, { vcpus: 2, memoryMb: 128, diskGb: 2 });
      expect(await domainId(domain(m))).toBe(cycled);

      await driver.resize(m, { vcpus: 2, memoryMb: 128, diskGb: 3 });
      expect(await volumeCapacity(LIBVIRT_POOL, disk(m))).toBe(3 * GIB);
      expect(await domainId(domain(m))).toBe(cycled);

      // A smaller plan keeps the disk it has, and the machine is not cycled for it.
      await driver.resize(m, { vcpus: 2, memoryMb: 128, diskGb: 1 });
      expect(await volumeCapacity(LIBVIRT_POOL, disk(m))).toBe(3 * GIB);
      expect(await domainId(domain(m))).toBe(cycled);
    });

    it('removes the seed: the cdrom ejected, the volume deleted, the guest left running', async () => {
      await driver.removeSeed(m);
      expect(await poolVolumes()).not.toContain(seed(m));
      expect(await cdrom(m)).toBe('-');
      expect(await domainState(domain(m))).toBe('running');
      await driver.removeSeed(m);
    });

    it('reinstalls: a fresh overlay and a new seed with the new password hash, then runs again', async () => {
      await driver.power(m, 'power_off');
      await writeDiskPattern(LIBVIRT_POOL, disk(m), 0xab);
      expect(await hasDiskPattern(LIBVIRT_POOL, disk(m), 0xab)).toBe(true);
      await driver.power(m, 'power_on');

      const second = secrets();
      const resized = { ...m, resources: { vcpus: 2, memoryMb: 128, diskGb: 3 } };
      await driver.reinstall(resized, second);
      expect(second.reads).toBe(1);
      expect(await domainState(domain(m))).toBe('running');
      expect(await hasDiskPattern(LIBVIRT_POOL, disk(m), 0)).toBe(true);
      expect(await volumeBacking(LIBVIRT_POOL, disk(m))).toBe(basePath);
      expect(await volumeCapacity(LIBVIRT_POOL, disk(m))).toBe(3 * GIB);
      expect(await cdrom(m)).toMatch(new RegExp(`/${seed(m)}$`));
      const userData = await readSeedFile(LIBVIRT_POOL, seed(m), 'user-data');
      expect(userData).not.toContain(second.password);
      expect(hashIn(userData)).toMatch(/^\$6\$/);
      expect(hashIn(userData)).not.toBe(firstHash);
    });

    it('releases everything, and a second release is a no-op', async () => {
      await driver.release(m);
      expect(await leftovers(m)).toEqual({ domain: null, volumes: [] });
      expect((await driver.status(m)).power).toBe('absent');
      await driver.release(m);
      await driver.terminate(m);
      expect(await leftovers(m)).toEqual({ domain: null, volumes: [] });
    });
  });

  it('fails allocating and creating_disk for an image the node has no base volume of, and leaves nothing', async () => {
    const failed = { kind: 'failed', reason: 'image_unavailable', retryable: false };
    for (const image of ['debian-12', 'rocky-9']) {
      const m = machine({ image });
      expect(await driver.runStep(m, 'allocating', secrets())).toMatchObject(failed);
      expect(await driver.runStep(m, 'creating_disk', secrets())).toMatchObject(failed);
      await driver.release(m);
      expect(await leftovers(m)).toEqual({ domain: null, volumes: [] });
    }
  });

  it('builds a new attempt after the release of a half-built one, with a seed of its own', async () => {
    const m = machine();
    for (const name of STEPS.slice(0, 3)) {
      expect(await step(m, name, secrets())).toEqual({ kind: 'done' });
    }
    await driver.release(m);
    expect(await leftovers(m)).toEqual({ domain: null, volumes: [] });
    const retry = { ...m, attempt: 2 };
    for (const name of STEPS.slice(0, 4)) {
      expect(await step(retry, name, secrets())).toEqual({ kind: 'done' });
    }
    expect(await readSeedFile(LIBVIRT_POOL, seed(m), 'meta-data')).toContain(`"${m.serviceId}-2"`);
    await driver.release(retry);
    expect(await leftovers(m)).toEqual({ domain: null, volumes: [] });
  });

  it('throws (the caller retries) when the node does not answer', async () => {
    const away = new LibvirtDriver(
      {
        get: () =>
          Promise.resolve({ ...node, uri: `qemu+unix:///system?socket=/nonexistent/pf-${run}.sock` }),
      },
      {},
    );
    const m = machine();
    await expect(away.runStep(m, 'allocating', secrets())).rejects.toThrow(/failed to connect/);
    await expect(away.status(m)).rejects.toThrow(/failed to connect/);
    await expect(away.release(m)).rejects.toThrow(/failed to connect/);
  });
});
