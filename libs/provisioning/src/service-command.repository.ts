import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type CommandKind = 'state' | 'size';

/** Database I/O of the per-service command sequence (provisioning.service_command). */
@Injectable()
export class ServiceCommandRepository {
  /**
   * Records `sequence` as the newest command of its kind for the service; false when one at least as new was
   * recorded before (the command is stale and must be ignored).
   */
  async advance(
    manager: EntityManager,
    tenantId: string,
    serviceId: string,
    kind: CommandKind,
    sequence: number,
  ): Promise<boolean> {
    const column = kind === 'state' ? 'state_seq' : 'size_seq';
    const rows: unknown[] = await manager.query(
      `INSERT INTO provisioning.service_command AS c (service_id, tenant_id, ${column}, updated_at)
       VALUES ($1, $2, $3, clock_timestamp())
       ON CONFLICT (service_id) DO UPDATE SET ${column} = excluded.${column}, updated_at = excluded.updated_at
       WHERE c.${column} < excluded.${column}
       RETURNING service_id`,
      [serviceId, tenantId, sequence],
    );
    return rows.length > 0;
  }
}
