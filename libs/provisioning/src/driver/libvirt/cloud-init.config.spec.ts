import { parse } from 'yaml';
import type { MachineNetwork } from '../provisioning.driver.js';
import {
  instanceId,
  metaData,
  networkConfig,
  type SeedInput,
  seedFiles,
  userData,
} from './cloud-init.config.js';

const SERVICE = '0197a3c2-5b8e-7d41-9f2a-3c4d5e6f7a8b';
const MAC = '52:54:0a:0b:0c:0d';
// printf 'correct horse battery staple\n' | openssl passwd -6 -salt saltsalt -stdin
const HASH =
  '$6$saltsalt$CPgxBHZBXfhC6lX1yxpdEsbQfXmg3WXVj8AoVwyNFLfb5AtbfM8k6A8yehv1z6sgzoH/DUIs7YK9hVnGhTjhW/';

const NETWORK: MachineNetwork = {
  ipv4: { address: '192.0.2.10', prefix: 24, gateway: '192.0.2.1', dns: ['192.0.2.53', '9.9.9.9'] },
  ipv6: { address: '2001:db8::10', prefix: 64, gateway: '2001:db8::1', dns: ['2001:db8::53', '9.9.9.9'] },
};

function seed(overrides: Partial<SeedInput> = {}): SeedInput {
  return {
    machine: { serviceId: SERVICE, attempt: 1, hostname: 'web-01.example.com' },
    network: NETWORK,
    mac: MAC,
    rootPasswordHash: HASH,
    sshKeys: [],
    ...overrides,
  };
}

interface CloudConfig {
  hostname: string;
  fqdn: string;
  ssh_pwauth: boolean;
  disable_root: boolean;
  chpasswd: { expire: boolean; users: { name: string; password: string; type: string }[] };
  ssh_authorized_keys?: string[];
  write_files: { path: string; content: string }[];
}

describe('cloud-init seed', () => {
  it('has one file per NoCloud name', () => {
    expect(Object.keys(seedFiles(seed())).sort()).toEqual(['meta-data', 'network-config', 'user-data']);
  });

  it('meta-data: a new instance id per attempt (cloud-init runs again), the hostname', () => {
    const first = parse(metaData(seed().machine)) as Record<string, string>;
    expect(first).toEqual({ 'instance-id': `${SERVICE}-1`, 'local-hostname': 'web-01.example.com' });
    expect(instanceId({ serviceId: SERVICE, attempt: 2 })).toBe(`${SERVICE}-2`);
    expect(metaData({ ...seed().machine, attempt: 2 })).toContain(`${SERVICE}-2`);
  });

  it('user-data: cloud-config with host name, FQDN and the root password only as its SHA-512 crypt hash', () => {
    const text = userData(seed());
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    const config = parse(text) as CloudConfig;
    expect(config).toMatchObject({
      hostname: 'web-01',
      fqdn: 'web-01.example.com',
      ssh_pwauth: true,
      disable_root: false,
      chpasswd: { expire: false, users: [{ name: 'root', password: HASH, type: 'hash' }] },
    });
    expect(config.ssh_authorized_keys).toBeUndefined();
    expect(config.write_files[0]?.content).toContain('PermitRootLogin yes');
    expect(text).not.toContain('correct horse battery staple');
  });

  it('user-data refuses anything but a $6$ hash, so a plaintext password cannot end up in the seed', () => {
    expect(() => userData(seed({ rootPasswordHash: 'correct horse battery staple' }))).toThrow(/SHA-512/);
    expect(() => userData(seed({ rootPasswordHash: '$1$md5$hash' }))).toThrow(/SHA-512/);
  });

  it('user-data carries the SSH keys verbatim, whatever characters they hold', () => {
    const keys = [
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7 alice@laptop',
      'ssh-rsa AAAAB3 "quoted": #not-a-comment',
    ];
    const config = parse(userData(seed({ sshKeys: keys.map((k) => ` ${k}\n`) }))) as CloudConfig;
    expect(config.ssh_authorized_keys).toEqual(keys);
  });

  it('network-config: static IPv4 and IPv6 with default routes and nameservers, matched by the MAC', () => {
    const text = networkConfig(NETWORK, MAC);
    expect(parse(text)).toEqual({
      version: 2,
      ethernets: {
        eth0: {
          match: { macaddress: MAC },
          'set-name': 'eth0',
          addresses: ['192.0.2.10/24', '2001:db8::10/64'],
          routes: [
            { to: '0.0.0.0/0', via: '192.0.2.1' },
            { to: '::/0', via: '2001:db8::1' },
          ],
          nameservers: { addresses: ['192.0.2.53', '9.9.9.9', '2001:db8::53'] },
        },
      },
    });
  });

  it('network-config: IPv4 only when the lease has no IPv6', () => {
    const config = parse(networkConfig({ ...NETWORK, ipv6: null }, MAC)) as {
      ethernets: { eth0: { addresses: string[]; routes: unknown[] } };
    };
    expect(config.ethernets.eth0.addresses).toEqual(['192.0.2.10/24']);
    expect(config.ethernets.eth0.routes).toEqual([{ to: '0.0.0.0/0', via: '192.0.2.1' }]);
  });

  it('network-config: DHCP without a lease (user-mode networking)', () => {
    expect(parse(networkConfig(null, MAC))).toEqual({
      version: 2,
      ethernets: { eth0: { match: { macaddress: MAC }, 'set-name': 'eth0', dhcp4: true } },
    });
  });
});
