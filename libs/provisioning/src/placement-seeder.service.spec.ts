import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '@app/platform';
import { AddIpRangeDto } from './dto/add-ip-range.dto.js';
import { CreateHypervisorNodeDto } from './dto/create-hypervisor-node.dto.js';
import { parseSeed } from './placement-seeder.service.js';
import { schedulableVcpus } from './hypervisor-node.view.js';

const node = {
  id: 'local-1',
  region: 'eu-central-1',
  uri: 'qemu:///system',
  vcpus: 8,
  memoryMb: 16384,
  diskGb: 200,
  cpuOvercommit: 2,
  storagePool: 'default',
  bridge: null,
  images: { 'debian-12': 'debian-12.qcow2' },
};
const range = {
  region: 'eu-central-1',
  first: '192.0.2.10',
  last: '192.0.2.99',
  prefix: 24,
  gateway: '192.0.2.1',
};

const failure = (run: () => unknown): ConfigError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('no ConfigError');
};

describe(parseSeed.name, () => {
  it('reads valid entries as the admin API would', () => {
    const [parsed] = parseSeed('PROVISIONING_NODES', JSON.stringify([node]), CreateHypervisorNodeDto);
    expect(parsed).toBeInstanceOf(CreateHypervisorNodeDto);
    expect(parsed).toMatchObject(node);
    expect(parseSeed('PROVISIONING_IP_POOLS', JSON.stringify([range]), AddIpRangeDto)).toHaveLength(1);
    expect(parseSeed('PROVISIONING_NODES', '', CreateHypervisorNodeDto)).toEqual([]);
  });

  it('names the variable, the entry and every problem of a bad entry', () => {
    const error = failure(() =>
      parseSeed(
        'PROVISIONING_NODES',
        JSON.stringify([node, { ...node, id: 'Bad_Id', uri: 'qemu+tcp://h/system', colour: 'red' }]),
        CreateHypervisorNodeDto,
      ),
    );
    expect(error.variables).toEqual(['PROVISIONING_NODES']);
    expect(error.message).toContain('PROVISIONING_NODES[1]');
    expect(error.message).toContain('id must be lower-case letters');
    expect(error.message).toContain('uri must be qemu:///system');
    expect(error.message).toContain('property colour should not exist');
  });

  it('runs the extra check of an entry that passed validation', () => {
    const error = failure(() =>
      parseSeed(
        'PROVISIONING_IP_POOLS',
        JSON.stringify([range]),
        AddIpRangeDto,
        () => 'the gateway is wrong',
      ),
    );
    expect(error.message).toBe('Invalid environment: PROVISIONING_IP_POOLS[0]: the gateway is wrong');
  });
});

describe('PROVISIONING_NODES and PROVISIONING_IP_POOLS', () => {
  const JWT_PUBLIC_KEY = generateKeyPairSync('ed25519')
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

  it('default to no seed', () => {
    const config = loadConfig({ JWT_PUBLIC_KEY });
    expect([config.PROVISIONING_NODES, config.PROVISIONING_IP_POOLS]).toEqual(['[]', '[]']);
  });

  it.each(['{"id": "local-1"}', '[1, 2]', '[[]]', 'not json'])(
    'refuse %s at boot, naming the variable',
    (value) => {
      const error = failure(() =>
        loadConfig({ JWT_PUBLIC_KEY, PROVISIONING_NODES: value, PROVISIONING_IP_POOLS: value }),
      );
      expect(error.variables.sort()).toEqual(['PROVISIONING_IP_POOLS', 'PROVISIONING_NODES']);
      expect(error.message).toContain('must be a JSON array of objects');
    },
  );
});

describe(schedulableVcpus.name, () => {
  it('rounds down as PostgreSQL does, without float error', () => {
    expect(schedulableVcpus(100, 1.15)).toBe(115);
    expect(schedulableVcpus(10, 1.1)).toBe(11);
    expect(schedulableVcpus(3, 1.5)).toBe(4);
    expect(schedulableVcpus(7, 1)).toBe(7);
  });
});
