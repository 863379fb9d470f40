import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * provisioning: a service is placed by its build's first step (the node is unknown until then), and a delivered
 * machine's first-boot seed is removed once its time is up.
 */
export class ServicePlacement1795000000028 implements MigrationInterface {
  name = 'ServicePlacement1795000000028';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE provisioning.service
         ALTER COLUMN node DROP NOT NULL,
         ADD COLUMN seed_remove_after timestamptz`,
    );
    await q.query(
      `CREATE INDEX service_seed_remove_after_idx ON provisioning.service (seed_remove_after)
         WHERE seed_remove_after IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX provisioning.service_seed_remove_after_idx`);
    await q.query(`UPDATE provisioning.service SET node = '' WHERE node IS NULL`);
    await q.query(
      `ALTER TABLE provisioning.service DROP COLUMN seed_remove_after, ALTER COLUMN node SET NOT NULL`,
    );
  }
}
