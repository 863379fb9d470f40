import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, IsNull, Not } from 'typeorm';
import { transaction } from '@app/database';
import type {
  AddressLease,
  HypervisorNodeInfo,
  MachineSpec,
  NodeDirectory,
} from './driver/provisioning.driver.js';
import { HypervisorNode } from './entities/hypervisor-node.entity.js';
import { IpAddress } from './entities/ip-address.entity.js';
import { IpPool } from './entities/ip-pool.entity.js';
import { NodeReservation } from './entities/node-reservation.entity.js';
import type { IpFamily } from './ip-range.js';

type Resources = MachineSpec['resources'];
type NodeChanges = Partial<
  Pick<HypervisorNode, 'vcpus' | 'memoryMb' | 'diskGb' | 'cpuOvercommit' | 'enabled' | 'images'>
>;

export interface PoolUsage {
  pool: IpPool;
  leased: number;
}

/** The columns of an address lease, read from ip_address a joined with its pool p. */
const LEASE_COLUMNS = `host(a.address) AS address, p.prefix, host(p.gateway) AS gateway,
  ARRAY(SELECT host(d) FROM unnest(p.dns) AS d) AS dns`;

/** A node that can take the resources: enabled, holding the image, with room for all three (vCPUs overcommitted). */
const FITS = `enabled AND region = $1 AND images ? $2
  AND used_vcpus + $3 <= floor(vcpus * cpu_overcommit) AND used_memory_mb + $4 <= memory_mb
  AND used_disk_gb + $5 <= disk_gb`;

const TAKE_ROOM = `used_vcpus = used_vcpus + $3, used_memory_mb = used_memory_mb + $4, used_disk_gb = used_disk_gb + $5`;

// Statements that change rows and return some are wrapped in a SELECT: TypeORM answers [rows, count] for a bare
// UPDATE or DELETE … RETURNING.

/**
 * All database I/O of hypervisor nodes, their reservations and IP address pools. Whatever may race (room, leases,
 * deletes) is a single conditional statement or runs under a row lock, in the caller's transaction.
 */
@Injectable()
export class PlacementRepository implements NodeDirectory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return transaction(this.dataSource, work);
  }

  /** NodeDirectory: what a driver needs of the node a machine was placed on. */
  async get(nodeId: string): Promise<HypervisorNodeInfo> {
    const node = await this.findNode(nodeId);
    if (!node) {
      throw new Error(
        `hypervisor node ${nodeId} is unknown: it was removed after the machine was placed on it`,
      );
    }
    const { id, region, uri, storagePool, bridge, images } = node;
    return { id, region, uri, storagePool, bridge, images };
  }

  // Nodes (admin)

  listNodes(region?: string): Promise<HypervisorNode[]> {
    return this.dataSource.manager.find(HypervisorNode, {
      where: region === undefined ? {} : { region },
      order: { region: 'ASC', id: 'ASC' },
    });
  }

  findNode(id: string): Promise<HypervisorNode | null> {
    return this.dataSource.manager.findOneBy(HypervisorNode, { id });
  }

  /** Reservations per node id (nodes without any are absent). */
  async reservationCounts(nodeIds: string[]): Promise<Map<string, number>> {
    const rows: { node_id: string; n: string }[] = await this.dataSource.query(
      `SELECT node_id, count(*) AS n FROM provisioning.node_reservation WHERE node_id = ANY($1) GROUP BY node_id`,
      [nodeIds],
    );
    return new Map(rows.map((r) => [r.node_id, Number(r.n)]));
  }

  /** False when a node with this id exists. */
  async insertNode(manager: EntityManager, node: HypervisorNode): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(HypervisorNode)
      .values(node)
      .orIgnore()
      .returning('id')
      .execute();
    const inserted = result.raw as unknown[];
    return inserted.length > 0;
  }

  /** Locks the node against placements and other changes until the transaction ends. */
  lockNode(manager: EntityManager, id: string): Promise<HypervisorNode | null> {
    return manager.findOne(HypervisorNode, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async updateNode(manager: EntityManager, id: string, changes: NodeChanges): Promise<void> {
    await manager.update(HypervisorNode, { id }, { ...changes, updatedAt: () => 'clock_timestamp()' });
  }

  countReservations(manager: EntityManager, nodeId: string): Promise<number> {
    return manager.countBy(NodeReservation, { nodeId });
  }

  async deleteNode(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(HypervisorNode, { id });
  }

  // Pools (admin)

  async listPools(region?: string): Promise<PoolUsage[]> {
    const pools = await this.dataSource.manager.find(IpPool, {
      where: region === undefined ? {} : { region },
      order: { region: 'ASC', family: 'ASC', firstAddress: 'ASC' },
    });
    const rows: { pool_id: string; n: string }[] = await this.dataSource.query(
      `SELECT pool_id, count(*) AS n FROM provisioning.ip_address
       WHERE pool_id = ANY($1) AND service_id IS NOT NULL GROUP BY pool_id`,
      [pools.map((p) => p.id)],
    );
    const leased = new Map(rows.map((r) => [r.pool_id, Number(r.n)]));
    return pools.map((pool) => ({ pool, leased: leased.get(pool.id) ?? 0 }));
  }

  async findPool(id: string): Promise<PoolUsage | null> {
    const pool = await this.dataSource.manager.findOneBy(IpPool, { id });
    if (!pool) {
      return null;
    }
    const leased = await this.dataSource.manager.countBy(IpAddress, { poolId: id, serviceId: Not(IsNull()) });
    return { pool, leased };
  }

  /** Serializes changes to the set of ranges, so two overlapping ranges added at once cannot both pass the check. */
  async lockRanges(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('provisioning.ip_pool', 0))`);
  }

  async findOverlapping(
    manager: EntityManager,
    family: IpFamily,
    first: string,
    last: string,
  ): Promise<IpPool | null> {
    return manager
      .createQueryBuilder(IpPool, 'p')
      .where('p.family = :family', { family })
      .andWhere('p.firstAddress <= CAST(:last AS inet) AND p.lastAddress >= CAST(:first AS inet)', {
        first,
        last,
      })
      .orderBy('p.firstAddress')
      .getOne();
  }

  /** Inserts the pool and one free row per address of its range. */
  async insertPool(manager: EntityManager, pool: IpPool, size: number): Promise<void> {
    await manager.insert(IpPool, pool);
    await manager.query(
      `INSERT INTO provisioning.ip_address (address, pool_id, family)
       SELECT $1::inet + g, $2, $3 FROM generate_series(0, $4::bigint - 1) AS g`,
      [pool.firstAddress, pool.id, pool.family, size],
    );
  }

  /**
   * Deletes the pool with its addresses unless one is leased. Its addresses are locked first: a lease in flight is
   * waited for (and then seen), and a lease that comes later skips the locked rows.
   */
  async deletePoolIfFree(manager: EntityManager, id: string): Promise<'deleted' | 'not-found' | 'in-use'> {
    const pool = await manager.findOne(IpPool, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!pool) {
      return 'not-found';
    }
    const rows: { leased: number }[] = await manager.query(
      `SELECT count(*) FILTER (WHERE service_id IS NOT NULL)::int AS leased
       FROM (SELECT service_id FROM provisioning.ip_address WHERE pool_id = $1 FOR UPDATE) AS a`,
      [id],
    );
    if ((rows[0]?.leased ?? 0) > 0) {
      return 'in-use';
    }
    await manager.delete(IpPool, { id });
    return 'deleted';
  }

  // Placement (in the caller's transaction)

  /** Reserve and free of one service wait for each other, so a free never misses a reservation being made. */
  async serializeService(manager: EntityManager, serviceId: string): Promise<void> {
    requireTransaction(manager);
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('provisioning.placement:' || $1, 0))`,
      [serviceId],
    );
  }

  /**
   * Runs work after a savepoint and rolls back to it when work answers null (or throws): a placement that gets only
   * part of what it needs leaves the caller's transaction as it found it.
   */
  async withinSavepoint<T>(manager: EntityManager, work: () => Promise<T | null>): Promise<T | null> {
    requireTransaction(manager);
    await manager.query('SAVEPOINT placement');
    let result: T | null;
    try {
      result = await work();
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT placement').catch(() => undefined);
      throw error;
    }
    if (result === null) {
      await manager.query('ROLLBACK TO SAVEPOINT placement');
    }
    await manager.query('RELEASE SAVEPOINT placement');
    return result;
  }

  findReservation(manager: EntityManager, serviceId: string): Promise<NodeReservation | null> {
    return manager.findOneBy(NodeReservation, { serviceId });
  }

  /**
   * Takes the room on the least loaded (by memory) node nobody else is placing on right now, skipping nodes whose row
   * another transaction holds; null when every fitting node is held or none fits.
   */
  async takeRoomOnFreeNode(
    manager: EntityManager,
    region: string,
    image: string,
    resources: Resources,
  ): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `WITH taken AS (
         UPDATE provisioning.hypervisor_node SET ${TAKE_ROOM}
         WHERE id = (SELECT id FROM provisioning.hypervisor_node WHERE ${FITS}
                     ORDER BY used_memory_mb::float8 / memory_mb, id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id)
       SELECT id FROM taken`,
      [region, image, resources.vcpus, resources.memoryMb, resources.diskGb],
    );
    return rows[0]?.id ?? null;
  }

  /** The nodes that had room when the statement began, least loaded (by memory) first. */
  async candidates(
    manager: EntityManager,
    region: string,
    image: string,
    resources: Resources,
  ): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM provisioning.hypervisor_node WHERE ${FITS} ORDER BY used_memory_mb::float8 / memory_mb, id`,
      [region, image, resources.vcpus, resources.memoryMb, resources.diskGb],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Takes the room on this node if it still fits. The UPDATE waits for a transaction placing on the node, then checks
   * the condition again on the row as that one left it: a racing build that took the last slot makes it fail.
   */
  async takeRoomOn(
    manager: EntityManager,
    nodeId: string,
    region: string,
    image: string,
    resources: Resources,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH taken AS (UPDATE provisioning.hypervisor_node SET ${TAKE_ROOM} WHERE id = $6 AND ${FITS} RETURNING id)
       SELECT id FROM taken`,
      [region, image, resources.vcpus, resources.memoryMb, resources.diskGb, nodeId],
    );
    return rows.length > 0;
  }

  async insertReservation(
    manager: EntityManager,
    reservation: Omit<NodeReservation, 'createdAt'>,
  ): Promise<void> {
    await manager.insert(NodeReservation, reservation);
  }

  /** Gives the service's room back to its node; false when it held none. */
  async freeRoom(manager: EntityManager, serviceId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH freed AS (DELETE FROM provisioning.node_reservation WHERE service_id = $1 RETURNING *),
            given_back AS (
              UPDATE provisioning.hypervisor_node n
              SET used_vcpus = n.used_vcpus - f.vcpus, used_memory_mb = n.used_memory_mb - f.memory_mb,
                  used_disk_gb = n.used_disk_gb - f.disk_gb
              FROM freed f WHERE n.id = f.node_id
              RETURNING n.id)
       SELECT id FROM given_back`,
      [serviceId],
    );
    return rows.length > 0;
  }

  /**
   * Moves a reservation to new resources in one statement: the node's counters change by the difference, and only if
   * the growth fits (the same rule as placement); a disk keeps its size when the new one is smaller. True when
   * resized or when the service holds no reservation.
   */
  async resizeRoom(
    manager: EntityManager,
    serviceId: string,
    resources: { vcpus: number; memoryMb: number; diskGb: number },
  ): Promise<boolean> {
    if (!(await this.findReservation(manager, serviceId))) {
      return true;
    }
    const rows: unknown[] = await manager.query(
      `WITH r AS (
         SELECT node_id, $2::int - vcpus AS dv, $3::int - memory_mb AS dm,
                greatest($4::int, disk_gb) - disk_gb AS dd
         FROM provisioning.node_reservation WHERE service_id = $1),
       grown AS (
         UPDATE provisioning.hypervisor_node n
         SET used_vcpus = n.used_vcpus + r.dv, used_memory_mb = n.used_memory_mb + r.dm,
             used_disk_gb = n.used_disk_gb + r.dd
         FROM r WHERE n.id = r.node_id
           AND n.used_vcpus + r.dv <= floor(n.vcpus * n.cpu_overcommit)
           AND n.used_memory_mb + r.dm <= n.memory_mb AND n.used_disk_gb + r.dd <= n.disk_gb
         RETURNING n.id),
       moved AS (
         UPDATE provisioning.node_reservation t
         SET vcpus = $2, memory_mb = $3, disk_gb = t.disk_gb + r.dd
         FROM r, grown WHERE t.service_id = $1
         RETURNING t.service_id)
       SELECT service_id FROM moved`,
      [serviceId, resources.vcpus, resources.memoryMb, resources.diskGb],
    );
    return rows.length > 0;
  }

  /** The region's pools of one family, oldest first: they are filled in that order. */
  async poolIds(manager: EntityManager, region: string, family: IpFamily): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM provisioning.ip_pool WHERE region = $1 AND family = $2 ORDER BY created_at, id`,
      [region, family],
    );
    return rows.map((r) => r.id);
  }

  /** Whether any of the pools has an address nobody holds (a snapshot: leasing may still find none). */
  async anyFree(manager: EntityManager, poolIds: string[]): Promise<boolean> {
    const rows: { free: boolean }[] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM provisioning.ip_address WHERE pool_id = ANY($1) AND service_id IS NULL) AS free`,
      [poolIds],
    );
    return rows[0]?.free ?? false;
  }

  /**
   * Hands the service a free address of the first pool that has one. The address is locked with SKIP LOCKED, so
   * concurrent leases take different ones instead of queueing; the outer condition is the last guard against handing
   * out a held address.
   */
  async lease(manager: EntityManager, poolIds: string[], serviceId: string): Promise<AddressLease | null> {
    for (const poolId of poolIds) {
      const rows: AddressLease[] = await manager.query(
        `WITH leased AS (
           UPDATE provisioning.ip_address a
           SET service_id = $2, allocated_at = clock_timestamp(), released_at = NULL
           FROM provisioning.ip_pool p
           WHERE p.id = a.pool_id AND a.service_id IS NULL
             AND a.address = (SELECT f.address FROM provisioning.ip_address f
                              WHERE f.pool_id = $1 AND f.service_id IS NULL
                              ORDER BY f.released_at NULLS FIRST, f.address
                              LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING ${LEASE_COLUMNS})
         SELECT * FROM leased`,
        [poolId, serviceId],
      );
      if (rows[0]) {
        return rows[0];
      }
    }
    return null;
  }

  async leasesOf(manager: EntityManager, serviceId: string): Promise<Map<IpFamily, AddressLease>> {
    const rows: (AddressLease & { family: IpFamily })[] = await manager.query(
      `SELECT a.family, ${LEASE_COLUMNS}
       FROM provisioning.ip_address a JOIN provisioning.ip_pool p ON p.id = a.pool_id
       WHERE a.service_id = $1`,
      [serviceId],
    );
    return new Map(rows.map(({ family, ...lease }) => [family, lease]));
  }

  async releaseAddresses(manager: EntityManager, serviceId: string): Promise<void> {
    await manager.query(
      `UPDATE provisioning.ip_address SET service_id = NULL, allocated_at = NULL, released_at = clock_timestamp()
       WHERE service_id = $1`,
      [serviceId],
    );
  }
}

/** Outside a transaction a transaction-scoped lock or savepoint would silently do nothing. */
function requireTransaction(manager: EntityManager): void {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('placement must run inside the transaction of its caller; it was given none');
  }
}
