import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AddIpRangeDto } from './add-ip-range.dto.js';
import { CreateHypervisorNodeDto } from './create-hypervisor-node.dto.js';
import { UpdateHypervisorNodeDto } from './update-hypervisor-node.dto.js';

const node = {
  id: 'fra-kvm-01',
  region: 'eu-central-1',
  uri: 'qemu+ssh://platforma@kvm01.fra.example.net/system',
  vcpus: 32,
  memoryMb: 131072,
  diskGb: 2000,
  storagePool: 'platforma',
  bridge: 'br0',
  images: { 'debian-12': 'debian-12-base.qcow2', 'ubuntu-24.04': 'ubuntu-24.04.qcow2' },
};

/** The properties that fail, as the API's ValidationPipe checks them. */
function failing(type: new () => object, body: object): string[] {
  return validateSync(plainToInstance(type, body), { whitelist: true, forbidNonWhitelisted: true })
    .map((e) => e.property)
    .sort();
}

describe(CreateHypervisorNodeDto.name, () => {
  it('accepts a node, with or without bridge and overcommit', () => {
    expect(failing(CreateHypervisorNodeDto, node)).toEqual([]);
    expect(
      failing(CreateHypervisorNodeDto, { ...node, bridge: null, cpuOvercommit: 1.5, enabled: false }),
    ).toEqual([]);
    const { bridge: _bridge, ...withoutBridge } = node;
    expect(failing(CreateHypervisorNodeDto, withoutBridge)).toEqual([]);
  });

  it.each<[string, object]>([
    ['id', { id: 'Fra_KVM' }],
    ['id', { id: '-fra' }],
    ['id', { id: 'x'.repeat(65) }],
    ['region', { region: 'EU' }],
    ['uri', { uri: 'qemu+tcp://kvm01/system' }],
    ['vcpus', { vcpus: 0 }],
    ['memoryMb', { memoryMb: 1.5 }],
    ['diskGb', { diskGb: -1 }],
    ['cpuOvercommit', { cpuOvercommit: 0.5 }],
    ['cpuOvercommit', { cpuOvercommit: 1.234 }],
    ['storagePool', { storagePool: '../etc' }],
    ['bridge', { bridge: 'a-bridge-name-too-long' }],
    ['images', { images: ['debian-12'] }],
    ['images', { images: { 'Debian 12': 'debian.qcow2' } }],
    ['images', { images: { 'debian-12': '../../etc/shadow' } }],
  ])('refuses a bad %s', (property, change) => {
    expect(failing(CreateHypervisorNodeDto, { ...node, ...change })).toEqual([property]);
  });
});

describe(UpdateHypervisorNodeDto.name, () => {
  it('takes any subset of capacity, enabled and images, and nothing else', () => {
    expect(failing(UpdateHypervisorNodeDto, {})).toEqual([]);
    expect(failing(UpdateHypervisorNodeDto, { vcpus: 64, enabled: false, images: {} })).toEqual([]);
    expect(failing(UpdateHypervisorNodeDto, { uri: 'qemu:///system' })).toEqual(['uri']);
    expect(failing(UpdateHypervisorNodeDto, { memoryMb: 0 })).toEqual(['memoryMb']);
  });
});

describe(AddIpRangeDto.name, () => {
  const range = {
    region: 'eu-central-1',
    first: '198.51.100.10',
    last: '198.51.100.250',
    prefix: 24,
    gateway: '198.51.100.1',
  };

  it('accepts a range, resolvers optional', () => {
    expect(failing(AddIpRangeDto, range)).toEqual([]);
    expect(failing(AddIpRangeDto, { ...range, dns: ['1.1.1.1', '2606:4700:4700::1111'] })).toEqual([]);
  });

  it.each<[string, object]>([
    ['first', { first: '198.51.100.10/32' }],
    ['gateway', { gateway: 'gw.example.net' }],
    ['prefix', { prefix: 129 }],
    ['dns', { dns: ['1.1.1.1', 'dns.example'] }],
    ['dns', { dns: Array(9).fill('1.1.1.1') }],
  ])('refuses a bad %s', (property, change) => {
    expect(failing(AddIpRangeDto, { ...range, ...change })).toEqual([property]);
  });
});
