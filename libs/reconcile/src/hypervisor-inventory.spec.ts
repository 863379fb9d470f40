import {
  hypervisorDisagreements,
  type PlacedServiceFact,
  type PoolListing,
  type ServiceState,
} from './hypervisor-inventory.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const OLD = new Date('2026-11-27T11:58:00Z');
const RECENT = new Date('2026-11-27T11:59:59Z');
const GRACE = 30_000;

const A = '0a0a0a0a-0000-4000-8000-00000000000a';
const B = '0b0b0b0b-0000-4000-8000-00000000000b';

const NODE_A = { nodes: ['node-a'], uri: 'qemu+ssh://a/system', pool: 'platforma' };
const NODE_B = { nodes: ['node-b'], uri: 'qemu+ssh://b/system', pool: 'platforma' };

/** A machine as the libvirt driver leaves it: its domain, its disk and its seed. */
const machine = (id: string) => ({
  domains: [`pf-${id}`],
  volumes: [`pf-${id}-disk.qcow2`, `pf-${id}-seed.iso`],
});

const listing = (
  place: typeof NODE_A,
  domains: string[] = [],
  volumes: string[] = [],
  error?: string,
): PoolListing => ({ ...place, domains, volumes, ...(error === undefined ? {} : { error }) });

const service = (
  id: string,
  state: ServiceState,
  node: string | null,
  updatedAt = OLD,
  place: { uri: string; pool: string } | null = node === 'node-b' ? NODE_B : node ? NODE_A : null,
): PlacedServiceFact => ({
  id,
  state,
  node,
  uri: place?.uri ?? null,
  storagePool: place?.pool ?? null,
  updatedAt,
});

const compare = (listings: PoolListing[], services: PlacedServiceFact[]) =>
  hypervisorDisagreements(listings, services, NOW, GRACE);

const STATES: ServiceState[] = ['provisioning', 'active', 'suspended', 'failed', 'released'];

describe(hypervisorDisagreements.name, () => {
  it('finds nothing when every machine belongs to a live service placed on its node', () => {
    const a = machine(A);
    expect(
      compare(
        [listing(NODE_A, a.domains, [...a.volumes, 'base-debian-12.qcow2'])],
        [service(A, 'active', 'node-a')],
      ),
    ).toEqual({ orphans: [], missing: [], unreachable: [] });
  });

  describe('a machine on node-a, for every state of its service', () => {
    const expected: Record<ServiceState, { orphan?: string; missing: boolean }> = {
      provisioning: { missing: false },
      active: { missing: false },
      suspended: { missing: false },
      failed: { orphan: 'service failed', missing: false },
      released: { orphan: 'service released', missing: false },
    };

    it.each(STATES)('%s, its machine whole', (state) => {
      const a = machine(A);
      const { orphans } = compare([listing(NODE_A, a.domains, a.volumes)], [service(A, state, 'node-a')]);
      const why = expected[state].orphan;
      expect(orphans).toEqual(
        why ? [...a.domains, ...a.volumes].map((name) => `node-a: ${name} (${why})`) : [],
      );
    });

    it.each(STATES)('%s, its domain gone', (state) => {
      const { missing } = compare([listing(NODE_A, [], machine(A).volumes)], [service(A, state, 'node-a')]);
      expect(missing).toEqual(
        state === 'active' || state === 'suspended' ? [`node-a: pf-${A} (${state})`] : [],
      );
    });
  });

  it('calls a machine without a service, or on a service placed elsewhere or nowhere, an orphan', () => {
    const a = machine(A);
    const b = machine(B);
    const { orphans } = compare(
      [listing(NODE_A, [...a.domains, ...b.domains], [b.volumes[0] ?? ''])],
      [service(B, 'active', 'node-b')],
    );
    expect(orphans).toEqual([
      `node-a: pf-${A} (no service)`,
      `node-a: pf-${B} (service active on node-b)`,
      `node-a: pf-${B}-disk.qcow2 (service active on node-b)`,
    ]);
    expect(compare([listing(NODE_A, a.domains)], [service(A, 'provisioning', null)]).orphans).toEqual([
      `node-a: pf-${A} (service provisioning, not placed)`,
    ]);
  });

  it('calls a pf- name the driver never makes an orphan, and ignores everything else in the pool', () => {
    const { orphans } = compare(
      [listing(NODE_A, ['pf-scratch', 'someone-else'], [`pf-${A}-notes.txt`, 'base-rocky-9.qcow2'])],
      [service(A, 'active', 'node-a')],
    );
    expect(orphans).toEqual([
      'node-a: pf-scratch (not a machine name)',
      `node-a: pf-${A}-notes.txt (not a machine name)`,
    ]);
  });

  it('leaves services that changed within the grace period alone, both ways', () => {
    const a = machine(A);
    expect(
      compare(
        [listing(NODE_A, a.domains, a.volumes)],
        [service(A, 'released', 'node-a', RECENT), service(B, 'active', 'node-a', RECENT)],
      ),
    ).toEqual({ orphans: [], missing: [], unreachable: [] });
  });

  it('reports a node it could not list, and judges nothing on it', () => {
    expect(
      compare(
        [listing(NODE_A, [], [], 'failed to connect to the hypervisor'), listing(NODE_B)],
        [service(A, 'active', 'node-a'), service(B, 'active', 'node-b')],
      ),
    ).toEqual({
      orphans: [],
      missing: [`node-b: pf-${B} (active)`],
      unreachable: ['node-a (qemu+ssh://a/system): failed to connect to the hypervisor'],
    });
  });

  it('treats node rows sharing one libvirtd as one place, and its domains once however many pools it has', () => {
    const shared = { nodes: ['node-a', 'node-c'], uri: NODE_A.uri, pool: 'platforma' };
    const other = { nodes: ['node-d'], uri: NODE_A.uri, pool: 'other' };
    const a = machine(A);
    const b = machine(B);
    const found = compare(
      [
        listing(shared, [...a.domains, ...b.domains], a.volumes),
        listing(other, [...a.domains, ...b.domains]),
      ],
      [service(A, 'active', 'node-c', OLD, NODE_A), service(B, 'released', 'node-a')],
    );
    expect(found.orphans).toEqual([`node-a (+1 nodes on the same pool): pf-${B} (service released)`]);
    // The volume is owned only in its service's own pool.
    expect(
      compare([listing(other, [], a.volumes)], [service(A, 'active', 'node-c', OLD, NODE_A)]).orphans,
    ).toEqual(a.volumes.map((v) => `node-d: ${v} (service active on node-c)`));
  });
});
