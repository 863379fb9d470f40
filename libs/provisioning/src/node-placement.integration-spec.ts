import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { DataSource, type EntityManager } from 'typeorm';
import { dataSourceOptions } from '@app/database';
import type { MachineSpec, Reservation } from './driver/provisioning.driver.js';
import type { CreateHypervisorNodeDto } from './dto/create-hypervisor-node.dto.js';
import { HypervisorNode } from './entities/hypervisor-node.entity.js';
import { IpAddress } from './entities/ip-address.entity.js';
import { IpPool } from './entities/ip-pool.entity.js';
import { NodeReservation } from './entities/node-reservation.entity.js';
import { HypervisorNodesService } from './hypervisor-nodes.service.js';
import { formatAddress, type IpFamily, parseAddress } from './ip-range.js';
import { IpPoolsService } from './ip-pools.service.js';
import { NodePlacementService } from './node-placement.service.js';
import { PlacementRepository } from './placement.repository.js';
import { ProvisioningErrorCode, ProvisioningException } from './provisioning.exception.js';

type Resources = MachineSpec['resources'];
const IMAGE = 'debian-12';
const PLAN: Resources = { vcpus: 2, memoryMb: 2048, diskGb: 30 };
const ACTOR = 'node-placement.integration-spec';

// Placement on the real test database. Every case works in regions of its own (t-place-<run>-<case>) with address
// ranges drawn at random from 10.0.0.0/8 and fd00::/8, so parallel suites and reruns never see each other's rows.
describe(NodePlacementService.name, () => {
  const run = randomBytes(4).toString('hex');
  const db = new DataSource({
    ...dataSourceOptions({ url: process.env.DATABASE_URL ?? '', poolSize: 30, logging: false }),
    entities: [HypervisorNode, NodeReservation, IpPool, IpAddress],
    // Some statements fail on purpose (a constraint refusing a write).
    logging: false,
  });
  const repository = new PlacementRepository(db);
  const placement = new NodePlacementService(repository);
  const nodes = new HypervisorNodesService(repository);
  const pools = new IpPoolsService(repository);

  const region = (name: string): string => `t-place-${run}-${name}`;

  const addNode = async (
    regionName: string,
    name: string,
    capacity: Partial<CreateHypervisorNodeDto> = {},
  ): Promise<string> => {
    const id = `${regionName}-${name}`;
    await nodes.create(
      {
        id,
        region: regionName,
        uri: 'qemu:///system',
        vcpus: 64,
        memoryMb: 262_144,
        diskGb: 10_000,
        storagePool: 'default',
        bridge: null,
        images: { [IMAGE]: `${IMAGE}.qcow2` },
        ...capacity,
      },
      ACTOR,
    );
    return id;
  };

  /** A pool of exactly size addresses in a random subnet nobody else uses (another draw if it overlaps one). */
  const addPool = async (regionName: string, family: IpFamily, size: number): Promise<string> => {
    for (let attempt = 0; ; attempt++) {
      const network =
        family === 4
          ? parseAddress(`10.${randomInt(256)}.${randomInt(256)}.0`)
          : parseAddress(
              `fd${randomBytes(5)
                .toString('hex')
                .replace(/(..)(....)(....)/, '$1:$2:$3')}::`,
            );
      if (!network) {
        throw new Error('bad network');
      }
      const at = (offset: number): string => formatAddress({ family, value: network.value + BigInt(offset) });
      try {
        const pool = await pools.add(
          {
            region: regionName,
            first: at(2),
            last: at(1 + size),
            prefix: family === 4 ? 24 : 64,
            gateway: at(1),
            dns: family === 4 ? ['192.0.2.53'] : ['2001:db8::53'],
          },
          ACTOR,
        );
        return pool.id;
      } catch (error) {
        const overlap = error instanceof ProvisioningException && error.status === 409;
        if (!overlap || attempt >= 5) {
          throw error;
        }
      }
    }
  };

  const spec = (regionName: string, resources: Resources = PLAN, serviceId = randomUUID()): MachineSpec => ({
    serviceId,
    region: regionName,
    image: IMAGE,
    hostname: `vm-${serviceId.slice(0, 8)}.example.com`,
    resources,
    attempt: 1,
  });

  /** One reserve in a transaction of its own, kept open a moment so that concurrent ones overlap. */
  const reserve = (machine: MachineSpec, holdMs = 0): Promise<Reservation | null> =>
    db.transaction(async (tx) => {
      const reservation = await placement.reserve(tx, randomUUID(), machine);
      if (holdMs > 0) {
        await tx.query('SELECT pg_sleep($1)', [holdMs / 1000]);
      }
      return reservation;
    });

  const free = (serviceId: string): Promise<void> => db.transaction((tx) => placement.free(tx, serviceId));

  interface NodeState {
    id: string;
    used: [number, number, number];
    capacity: [number, number, number];
    reserved: [number, number, number];
    reservations: number;
  }

  const nodeStates = async (regionName: string): Promise<NodeState[]> => {
    const rows: Record<string, number | string>[] = await db.query(
      `SELECT n.id, n.used_vcpus, n.used_memory_mb, n.used_disk_gb,
              floor(n.vcpus * n.cpu_overcommit)::int AS cap_vcpus, n.memory_mb, n.disk_gb,
              coalesce(sum(r.vcpus), 0)::int AS r_vcpus, coalesce(sum(r.memory_mb), 0)::int AS r_memory,
              coalesce(sum(r.disk_gb), 0)::int AS r_disk, count(r.service_id)::int AS reservations
       FROM provisioning.hypervisor_node n LEFT JOIN provisioning.node_reservation r ON r.node_id = n.id
       WHERE n.region = $1 GROUP BY n.id ORDER BY n.id`,
      [regionName],
    );
    return rows.map((r) => ({
      id: String(r.id),
      used: [Number(r.used_vcpus), Number(r.used_memory_mb), Number(r.used_disk_gb)],
      capacity: [Number(r.cap_vcpus), Number(r.memory_mb), Number(r.disk_gb)],
      reserved: [Number(r.r_vcpus), Number(r.r_memory), Number(r.r_disk)],
      reservations: Number(r.reservations),
    }));
  };

  /** Counters equal the sums of the reservations and never exceed capacity (the CHECKs say so too). */
  const expectConsistentNodes = async (regionName: string): Promise<NodeState[]> => {
    const states = await nodeStates(regionName);
    for (const node of states) {
      expect(node.used).toEqual(node.reserved);
      node.used.forEach((used, i) => expect(used).toBeLessThanOrEqual(node.capacity[i] ?? 0));
    }
    return states;
  };

  const leases = async (
    regionName: string,
  ): Promise<{ address: string; family: number; service: string }[]> =>
    db.query(
      `SELECT host(a.address) AS address, a.family, a.service_id AS service
       FROM provisioning.ip_address a JOIN provisioning.ip_pool p ON p.id = a.pool_id
       WHERE p.region = $1 AND a.service_id IS NOT NULL`,
      [regionName],
    );

  const deleteRegions = async (pattern: string, olderThan = '0 seconds'): Promise<void> => {
    const old = `region LIKE $1 AND created_at < now() - $2::interval`;
    await db.query(
      `DELETE FROM provisioning.node_reservation WHERE node_id IN
         (SELECT id FROM provisioning.hypervisor_node WHERE ${old})`,
      [pattern, olderThan],
    );
    await db.query(`DELETE FROM provisioning.hypervisor_node WHERE ${old}`, [pattern, olderThan]);
    await db.query(`DELETE FROM provisioning.ip_pool WHERE ${old}`, [pattern, olderThan]);
  };

  beforeAll(async () => {
    // The admin services log every change; the suite makes hundreds.
    Logger.overrideLogger(['error', 'warn']);
    await db.initialize();
    // What a crashed earlier run left behind (its own afterAll never ran).
    await deleteRegions('t-place-%', '1 hour');
  });

  afterAll(async () => {
    await deleteRegions(`t-place-${run}-%`);
    await db.destroy();
  });

  it('(a) places on a node with room: the full one is passed over, then the least loaded is chosen', async () => {
    const r = region('a');
    const small = await addNode(r, 'a-small', { vcpus: 2, memoryMb: 2048, diskGb: 30 });
    const big = await addNode(r, 'b-big');
    await addPool(r, 4, 20);

    // Both empty: ties go by id, so the small node is taken first and is then full.
    expect((await reserve(spec(r)))?.node).toBe(small);
    const second = await reserve(spec(r));
    expect(second?.node).toBe(big);
    expect(second?.network?.ipv4).toMatchObject({ prefix: 24, dns: ['192.0.2.53'] });
    expect(second?.network?.ipv6).toBeNull();

    // A new, empty node is less loaded than the big one now.
    const fresh = await addNode(r, 'c-fresh');
    expect((await reserve(spec(r)))?.node).toBe(fresh);

    // Disabled, or without the image: never chosen, even when it is the least loaded.
    await nodes.update(fresh, { enabled: false }, ACTOR);
    await addNode(r, 'd-other-image', { images: { 'alpine-3': 'alpine.qcow2' } });
    expect((await reserve(spec(r)))?.node).toBe(big);
    // Nothing fits a machine larger than every node.
    expect(await reserve(spec(r, { vcpus: 65, memoryMb: 1024, diskGb: 1 }))).toBeNull();

    const states = await expectConsistentNodes(r);
    expect(states.map((s) => [s.id, s.reservations])).toEqual([
      [small, 1],
      [big, 2],
      [fresh, 1],
      [`${r}-d-other-image`, 0],
    ]);
    const view = await nodes.get(small);
    expect(view).toMatchObject({
      used: { vcpus: 2, memoryMb: 2048, diskGb: 30 },
      free: { vcpus: 0, memoryMb: 0 },
    });
  });

  it('(b) concurrent builds racing for the last slots: exactly as many win as there is room for', async () => {
    const r = region('b');
    // Room for 3 machines each: vCPUs floor(4 × 1.5) = 6 → 3, memory 8192 → 4, disk 100 → 3.
    await addNode(r, 'n1', { vcpus: 4, cpuOvercommit: 1.5, memoryMb: 8192, diskGb: 100 });
    await addNode(r, 'n2', { vcpus: 4, cpuOvercommit: 1.5, memoryMb: 8192, diskGb: 100 });
    await addPool(r, 4, 100);
    const room = 6;
    const builds = Array.from({ length: 24 }, () => spec(r));

    // allSettled: a CHECK violation (more used than capacity) would surface as a rejected build.
    const outcomes = await Promise.allSettled(builds.map((b) => reserve(b, 20)));
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const won = outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value ? [o.value] : []));
    expect(won).toHaveLength(room);

    const states = await expectConsistentNodes(r);
    expect(states.map((s) => s.used)).toEqual([
      [6, 6144, 90],
      [6, 6144, 90],
    ]);
    const held = await leases(r);
    expect(held).toHaveLength(room);
    expect(new Set(held.map((l) => l.address)).size).toBe(room);
  });

  it('(c) concurrent leases: no address is handed out twice, the builds that get none get null', async () => {
    const r = region('c');
    for (let i = 0; i < 10; i++) {
      await addNode(r, `n${i}`);
    }
    const addresses = 20;
    const ipv4Pool = await addPool(r, 4, addresses);
    await addPool(r, 6, 200);
    const builds = Array.from({ length: 60 }, () => spec(r));

    const outcomes = await Promise.allSettled(builds.map((b) => reserve(b, 10)));
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const results = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : undefined));
    const won = results.flatMap((res) => (res ? [res] : []));
    expect(won).toHaveLength(addresses);
    expect(results.filter((res) => res === null)).toHaveLength(builds.length - addresses);

    const ipv4 = won.map((w) => w.network?.ipv4.address);
    const ipv6 = won.map((w) => w.network?.ipv6?.address);
    expect(new Set(ipv4).size).toBe(addresses);
    expect(new Set(ipv6).size).toBe(addresses);
    const held = await leases(r);
    expect(held).toHaveLength(2 * addresses);
    // Each service holds one address of each family; a loser's rolled-back room left no trace on any node.
    const holders = new Map<string, number[]>();
    held.forEach((l) => holders.set(l.service, [...(holders.get(l.service) ?? []), l.family].sort()));
    expect([...holders.values()]).toEqual(Array(addresses).fill([4, 6]));
    const states = await expectConsistentNodes(r);
    expect(states.reduce((n, s) => n + s.reservations, 0)).toBe(addresses);
    expect(await pools.get(ipv4Pool)).toMatchObject({ size: addresses, leased: addresses, free: 0 });

    // The database refuses a second address of a family for a service, whoever tries.
    const winner = held[0]?.service;
    const spare: { address: string }[] = await db.query(
      `SELECT host(a.address) AS address FROM provisioning.ip_address a JOIN provisioning.ip_pool p ON p.id = a.pool_id
       WHERE p.region = $1 AND a.family = 6 AND a.service_id IS NULL LIMIT 1`,
      [r],
    );
    await expect(
      db.query(
        `UPDATE provisioning.ip_address SET service_id = $1, allocated_at = now(), released_at = NULL
         WHERE address = $2`,
        [winner, spare[0]?.address],
      ),
    ).rejects.toMatchObject({ driverError: { code: '23505', constraint: 'ip_address_service_family_idx' } });
  });

  it('(d) free gives the room and the addresses back, twice is a no-op, a freed address is leased again', async () => {
    const r = region('d');
    const node = await addNode(r, 'n1');
    const ipv4Pool = await addPool(r, 4, 1);
    const first = spec(r);
    const second = spec(r);

    const held = await reserve(first);
    expect(held?.node).toBe(node);
    // The only address is taken: the second build gets no capacity and leaves no trace.
    expect(await reserve(second)).toBeNull();
    expect((await nodeStates(r))[0]?.reservations).toBe(1);

    // Deleting what is in use is refused.
    await expect(nodes.remove(node, ACTOR)).rejects.toMatchObject({
      code: ProvisioningErrorCode.NodeHasReservations,
      status: 409,
    });
    await expect(pools.remove(ipv4Pool, ACTOR)).rejects.toMatchObject({
      code: ProvisioningErrorCode.IpPoolInUse,
      status: 409,
    });
    await expect(nodes.update(node, { memoryMb: 1024 }, ACTOR)).rejects.toMatchObject({
      code: ProvisioningErrorCode.NodeCapacityBelowUse,
    });

    await free(first.serviceId);
    expect((await nodeStates(r))[0]).toMatchObject({ used: [0, 0, 0], reservations: 0 });
    const released: IpAddress[] = await db.manager.find(IpAddress, { where: { poolId: ipv4Pool } });
    expect(released).toMatchObject([{ serviceId: null, allocatedAt: null }]);
    expect(released[0]?.releasedAt).toBeInstanceOf(Date);

    await free(first.serviceId);
    await free(randomUUID());
    expect((await nodeStates(r))[0]).toMatchObject({ used: [0, 0, 0], reservations: 0 });

    const again = await reserve(second);
    expect(again?.network?.ipv4.address).toBe(held?.network?.ipv4.address);
    await expectConsistentNodes(r);

    // A rollback gives everything back as well.
    const rolledBack = spec(r);
    await free(second.serviceId);
    await expect(
      db.transaction(async (tx: EntityManager) => {
        expect(await placement.reserve(tx, randomUUID(), rolledBack)).not.toBeNull();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await leases(r)).toEqual([]);
    expect((await nodeStates(r))[0]).toMatchObject({ used: [0, 0, 0], reservations: 0 });

    // Room taken, then the last address turns out to be held by another transaction: null, and the room is given
    // back inside the caller's transaction at once (a savepoint), which goes on and commits nothing of it.
    const blocker = db.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    try {
      await blocker.query(`SELECT address FROM provisioning.ip_address WHERE pool_id = $1 FOR UPDATE`, [
        ipv4Pool,
      ]);
      const outcome = await db.transaction(async (tx) => {
        const reservation = await placement.reserve(tx, randomUUID(), spec(r));
        const rows: { used_memory_mb: number }[] = await tx.query(
          `SELECT used_memory_mb FROM provisioning.hypervisor_node WHERE id = $1`,
          [node],
        );
        return { reservation, used: rows[0]?.used_memory_mb };
      });
      expect(outcome).toEqual({ reservation: null, used: 0 });
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    expect((await nodeStates(r))[0]).toMatchObject({ used: [0, 0, 0], reservations: 0 });

    await pools.remove(ipv4Pool, ACTOR);
    await nodes.remove(node, ACTOR);
    await expect(repository.get(node)).rejects.toThrow(`hypervisor node ${node} is unknown`);
  });

  it('(f) a resize moves the reservation by the difference when the node has room, and never shrinks a disk', async () => {
    const r = region('f');
    await addNode(r, 'n1', { vcpus: 4, memoryMb: 4096, diskGb: 100 });
    await addPool(r, 4, 4);
    const machine = spec(r, { vcpus: 2, memoryMb: 1024, diskGb: 40 });
    const other = spec(r, { vcpus: 1, memoryMb: 1024, diskGb: 20 });
    expect(await reserve(machine)).not.toBeNull();
    expect(await reserve(other)).not.toBeNull();
    const resize = (resources: Resources, serviceId = machine.serviceId) =>
      db.transaction((tx) => placement.resize(tx, serviceId, resources));

    expect(await resize({ vcpus: 3, memoryMb: 3072, diskGb: 80 })).toBe(true);
    expect((await expectConsistentNodes(r))[0]?.used).toEqual([4, 4096, 100]);
    // No room left for more: nothing changes.
    expect(await resize({ vcpus: 4, memoryMb: 3072, diskGb: 80 })).toBe(false);
    expect((await expectConsistentNodes(r))[0]?.used).toEqual([4, 4096, 100]);
    // A smaller plan gives vCPUs and memory back; the disk keeps its size.
    expect(await resize({ vcpus: 1, memoryMb: 512, diskGb: 10 })).toBe(true);
    expect((await expectConsistentNodes(r))[0]?.used).toEqual([2, 1536, 100]);
    // Racing resizes of two services for the same room: the counters stay the sum of the reservations.
    const outcomes = await Promise.all([
      resize({ vcpus: 3, memoryMb: 2560, diskGb: 80 }),
      resize({ vcpus: 3, memoryMb: 2560, diskGb: 20 }, other.serviceId),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    await expectConsistentNodes(r);
    // A service without a reservation (the simulator's, a released one) has nothing to account.
    expect(await resize({ vcpus: 1, memoryMb: 512, diskGb: 10 }, randomUUID())).toBe(true);
  });

  it('(e) a service that holds a reservation gets the same one back, also when asking concurrently', async () => {
    const r = region('e');
    await addNode(r, 'n1');
    await addNode(r, 'n2');
    await addPool(r, 4, 10);
    await addPool(r, 6, 10);
    const machine = spec(r);
    // Outside a transaction its locks and savepoint would be no-ops: refused.
    await expect(placement.reserve(db.manager, randomUUID(), machine)).rejects.toThrow(
      'inside the transaction',
    );

    const first = await reserve(machine);
    expect(first?.network?.ipv6).not.toBeNull();
    // A retry with other resources (a changed request) still gets what it holds.
    expect(
      await reserve({ ...machine, resources: { vcpus: 8, memoryMb: 8192, diskGb: 100 }, attempt: 2 }),
    ).toEqual(first);
    const other = spec(r);
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => reserve(other, 10)));
    concurrent.forEach((c) => expect(c).toEqual(concurrent[0]));

    const states = await expectConsistentNodes(r);
    expect(states.reduce((n, s) => n + s.reservations, 0)).toBe(2);
    expect(await leases(r)).toHaveLength(4);
    expect(await repository.get(first?.node ?? '')).toEqual({
      id: first?.node,
      region: r,
      uri: 'qemu:///system',
      storagePool: 'default',
      bridge: null,
      images: { [IMAGE]: `${IMAGE}.qcow2` },
    });
  });

  it('any sequence of reserve and free keeps the counters equal to the reservations, and succeeds iff room is left', async () => {
    const plans: Resources[] = [
      { vcpus: 1, memoryMb: 1024, diskGb: 10 },
      { vcpus: 2, memoryMb: 2048, diskGb: 30 },
      { vcpus: 4, memoryMb: 4096, diskGb: 50 },
    ];
    const capacities = [
      { vcpus: 4, cpuOvercommit: 1, memoryMb: 6144, diskGb: 100 },
      { vcpus: 2, cpuOvercommit: 2, memoryMb: 4096, diskGb: 60 },
    ];
    const command = fc.oneof(
      fc.record({
        kind: fc.constant('reserve' as const),
        service: fc.nat(7),
        plan: fc.nat(plans.length - 1),
      }),
      fc.record({ kind: fc.constant('free' as const), service: fc.nat(7) }),
    );
    let runs = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        const r = region(`fc-${runs++}`);
        const ids = [await addNode(r, 'n1', capacities[0]), await addNode(r, 'n2', capacities[1])];
        await addPool(r, 4, 6);
        await addPool(r, 6, 4);
        const services = Array.from({ length: 8 }, () => randomUUID());
        // The model: what each service holds, hence what each node has used and how many addresses are left.
        const holds = new Map<string, { node: string; plan: Resources }>();
        const usedOn = (node: string) =>
          [...holds.values()]
            .filter((h) => h.node === node)
            .reduce(
              (u, { plan }) => [u[0] + plan.vcpus, u[1] + plan.memoryMb, u[2] + plan.diskGb],
              [0, 0, 0],
            );
        const fits = (node: string, plan: Resources): boolean => {
          const i = ids.indexOf(node);
          const cap = capacities[i] ?? { vcpus: 0, cpuOvercommit: 1, memoryMb: 0, diskGb: 0 };
          const [v, m, d] = usedOn(node);
          return (
            v + plan.vcpus <= Math.floor(cap.vcpus * cap.cpuOvercommit) &&
            m + plan.memoryMb <= cap.memoryMb &&
            d + plan.diskGb <= cap.diskGb
          );
        };

        for (const c of commands) {
          const service = services[c.service] ?? '';
          if (c.kind === 'free') {
            await free(service);
            holds.delete(service);
          } else {
            const plan = plans[c.plan] ?? PLAN;
            const before = holds.get(service);
            const room = ids.some((node) => fits(node, plan)) && holds.size < 4;
            const got = await reserve(spec(r, plan, service));
            if (before) {
              expect(got?.node).toBe(before.node);
            } else {
              expect(got !== null).toBe(room);
              if (got) {
                expect(fits(got.node, plan)).toBe(true);
                holds.set(service, { node: got.node, plan });
              }
            }
          }
          const states = await expectConsistentNodes(r);
          expect(states.map((s) => s.used)).toEqual(ids.map(usedOn));
          const held = await leases(r);
          expect(
            held
              .filter((l) => l.family === 4)
              .map((l) => l.service)
              .sort(),
          ).toEqual([...holds.keys()].sort());
          expect(
            held
              .filter((l) => l.family === 6)
              .map((l) => l.service)
              .sort(),
          ).toEqual([...holds.keys()].sort());
        }
      }),
      { numRuns: 25 },
    );
  });
});
