import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * provisioning: the hypervisor nodes machines are placed on, the room each service holds on its node, and the IPv4 and
 * IPv6 addresses handed to services from per-region pools. A service's leases are also kept on the service (network)
 * so the driver gets them back on every call.
 *
 * Capacity: only vCPUs are overcommitted (a node schedules floor(vcpus × cpu_overcommit) of them); memory and disk
 * are hard limits. The CHECK constraints make "used never exceeds capacity" the database's rule, not only placement's.
 */
export class HypervisorNodes1795000000026 implements MigrationInterface {
  name = 'HypervisorNodes1795000000026';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provisioning.hypervisor_node (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
        region text NOT NULL CHECK (region <> ''),
        uri text NOT NULL,
        vcpus integer NOT NULL CHECK (vcpus > 0),
        memory_mb integer NOT NULL CHECK (memory_mb > 0),
        disk_gb integer NOT NULL CHECK (disk_gb > 0),
        cpu_overcommit numeric(4, 2) NOT NULL DEFAULT 1 CHECK (cpu_overcommit >= 1 AND cpu_overcommit <= 16),
        storage_pool text NOT NULL,
        bridge text,
        images jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(images) = 'object'),
        enabled boolean NOT NULL DEFAULT true,
        used_vcpus integer NOT NULL DEFAULT 0,
        used_memory_mb integer NOT NULL DEFAULT 0,
        used_disk_gb integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT hypervisor_node_vcpus_fit
          CHECK (used_vcpus >= 0 AND used_vcpus <= floor(vcpus * cpu_overcommit)),
        CONSTRAINT hypervisor_node_memory_fit CHECK (used_memory_mb >= 0 AND used_memory_mb <= memory_mb),
        CONSTRAINT hypervisor_node_disk_fit CHECK (used_disk_gb >= 0 AND used_disk_gb <= disk_gb)
      )`);
    await q.query(`CREATE INDEX hypervisor_node_region_idx ON provisioning.hypervisor_node (region)`);

    // No foreign key to provisioning.service: the room is reserved before the service row that names the node exists.
    await q.query(`
      CREATE TABLE provisioning.node_reservation (
        service_id uuid PRIMARY KEY,
        node_id text NOT NULL REFERENCES provisioning.hypervisor_node (id),
        vcpus integer NOT NULL CHECK (vcpus > 0),
        memory_mb integer NOT NULL CHECK (memory_mb > 0),
        disk_gb integer NOT NULL CHECK (disk_gb > 0),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX node_reservation_node_idx ON provisioning.node_reservation (node_id)`);

    // Addresses are host addresses (/32, /128); prefix and gateway describe the on-link subnet the guest configures.
    await q.query(`
      CREATE TABLE provisioning.ip_pool (
        id uuid PRIMARY KEY,
        region text NOT NULL CHECK (region <> ''),
        family smallint NOT NULL CHECK (family IN (4, 6)),
        first_address inet NOT NULL,
        last_address inet NOT NULL,
        prefix smallint NOT NULL,
        gateway inet NOT NULL,
        dns inet[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT ip_pool_addresses_check CHECK (
          family(first_address) = family AND family(last_address) = family AND family(gateway) = family
          AND masklen(first_address) = masklen(last_address) AND masklen(gateway) = masklen(first_address)
          AND masklen(first_address) = CASE family WHEN 4 THEN 32 ELSE 128 END),
        CONSTRAINT ip_pool_range_check CHECK (
          first_address <= last_address AND last_address - first_address < 65536
          AND prefix BETWEEN 1 AND CASE family WHEN 4 THEN 32 ELSE 128 END
          AND set_masklen(gateway, prefix) >>= first_address AND set_masklen(gateway, prefix) >>= last_address
          AND gateway NOT BETWEEN first_address AND last_address)
      )`);
    await q.query(`CREATE INDEX ip_pool_region_idx ON provisioning.ip_pool (region, family)`);

    // A leased address has service_id and allocated_at; a free one neither (released_at: when it was last given back).
    await q.query(`
      CREATE TABLE provisioning.ip_address (
        address inet PRIMARY KEY,
        pool_id uuid NOT NULL REFERENCES provisioning.ip_pool (id) ON DELETE CASCADE,
        family smallint NOT NULL CHECK (family IN (4, 6) AND family(address) = family),
        service_id uuid,
        allocated_at timestamptz,
        released_at timestamptz,
        CONSTRAINT ip_address_lease_check CHECK (
          (service_id IS NULL) = (allocated_at IS NULL) AND (service_id IS NULL OR released_at IS NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX ip_address_service_family_idx ON provisioning.ip_address (service_id, family)
       WHERE service_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX ip_address_pool_idx ON provisioning.ip_address (pool_id)`);
    // Never-used addresses first, then the longest free: a released address is not handed out again at once.
    await q.query(
      `CREATE INDEX ip_address_free_idx ON provisioning.ip_address (pool_id, released_at NULLS FIRST, address)
       WHERE service_id IS NULL`,
    );

    await q.query(`ALTER TABLE provisioning.service ADD COLUMN network jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE provisioning.service DROP COLUMN network`);
    await q.query(
      `DROP TABLE provisioning.ip_address, provisioning.ip_pool, provisioning.node_reservation,
                  provisioning.hypervisor_node`,
    );
  }
}
