import type { AddressLease, MachineNetwork, MachineSpec } from '../provisioning.driver.js';

/** The files of a NoCloud seed (an ISO labelled cidata), by their name on it. */
export interface SeedFiles {
  'meta-data': string;
  'user-data': string;
  'network-config': string;
}

export interface SeedInput {
  machine: Pick<MachineSpec, 'serviceId' | 'attempt' | 'hostname'>;
  network: MachineNetwork | null;
  mac: string;
  /** The root password as a SHA-512 crypt hash ($6$…): the plaintext never reaches the node. */
  rootPasswordHash: string;
  sshKeys: readonly string[];
}

/** Every scalar is written as a JSON string, which YAML reads back verbatim whatever it contains. */
const q = (value: string): string => JSON.stringify(value);

/** cloud-init runs its first-boot modules again when this changes: each build attempt is a new instance. */
export function instanceId(machine: Pick<MachineSpec, 'serviceId' | 'attempt'>): string {
  return `${machine.serviceId}-${machine.attempt}`;
}

export function metaData(machine: SeedInput['machine']): string {
  return [`instance-id: ${q(instanceId(machine))}`, `local-hostname: ${q(machine.hostname)}`, ''].join('\n');
}

export function userData(input: Pick<SeedInput, 'machine' | 'rootPasswordHash' | 'sshKeys'>): string {
  if (!/^\$6\$/.test(input.rootPasswordHash)) {
    throw new Error('the root password must be given as a SHA-512 crypt hash ($6$…)');
  }
  const hostname = input.machine.hostname;
  const lines = [
    '#cloud-config',
    `hostname: ${q(hostname.split('.')[0])}`,
    `fqdn: ${q(hostname)}`,
    'manage_etc_hosts: true',
    // The customer gets root and a password (the credentials the platform hands out).
    'disable_root: false',
    'ssh_pwauth: true',
    'chpasswd:',
    '  expire: false',
    '  users:',
    `    - name: ${q('root')}`,
    `      password: ${q(input.rootPasswordHash)}`,
    `      type: ${q('hash')}`,
    // sshd takes the first value it reads and includes sshd_config.d/*.conf first: 01- wins over the image's 60-.
    'write_files:',
    `  - path: ${q('/etc/ssh/sshd_config.d/01-platforma-root-login.conf')}`,
    `    permissions: ${q('0644')}`,
    `    content: ${q('PermitRootLogin yes\nPasswordAuthentication yes\n')}`,
  ];
  if (input.sshKeys.length > 0) {
    lines.push('ssh_authorized_keys:', ...input.sshKeys.map((key) => `  - ${q(key.trim())}`));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Netplan-style version 2, matched by the NIC's MAC: static addresses and default routes from the lease, DHCP when
 * the driver got none (user-mode networking hands out 10.0.2.15).
 */
export function networkConfig(network: MachineNetwork | null, mac: string): string {
  const lines = [
    'version: 2',
    'ethernets:',
    '  eth0:',
    '    match:',
    `      macaddress: ${q(mac)}`,
    `    set-name: ${q('eth0')}`,
  ];
  if (!network) {
    lines.push('    dhcp4: true');
    return `${lines.join('\n')}\n`;
  }
  const leases = [network.ipv4, network.ipv6].filter((lease): lease is AddressLease => lease !== null);
  const routes: [string, AddressLease][] = [['0.0.0.0/0', network.ipv4]];
  if (network.ipv6) {
    routes.push(['::/0', network.ipv6]);
  }
  const dns = [...new Set(leases.flatMap((lease) => lease.dns))];
  lines.push('    addresses:', ...leases.map((lease) => `      - ${q(`${lease.address}/${lease.prefix}`)}`));
  lines.push('    routes:');
  for (const [to, lease] of routes) {
    lines.push(`      - to: ${q(to)}`, `        via: ${q(lease.gateway)}`);
  }
  if (dns.length > 0) {
    lines.push('    nameservers:', '      addresses:', ...dns.map((server) => `        - ${q(server)}`));
  }
  return `${lines.join('\n')}\n`;
}

export function seedFiles(input: SeedInput): SeedFiles {
  return {
    'meta-data': metaData(input.machine),
    'user-data': userData(input),
    'network-config': networkConfig(input.network, input.mac),
  };
}
