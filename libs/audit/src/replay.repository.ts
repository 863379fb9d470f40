import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Replay } from './entities/replay.entity.js';

@Injectable()
export class ReplayRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, replay: Replay): Promise<void> {
    await manager.insert(Replay, replay);
  }

  find(id: string): Promise<Replay | null> {
    return this.dataSource.manager.findOneBy(Replay, { id });
  }

  lockPending(manager: EntityManager, id: string): Promise<Replay | null> {
    return manager.findOne(Replay, { where: { id, status: 'pending' }, lock: { mode: 'pessimistic_write' } });
  }

  async complete(manager: EntityManager, replay: Replay): Promise<void> {
    await manager.update(
      Replay,
      { id: replay.id },
      {
        status: 'done',
        completedAt: replay.completedAt,
        stored: replay.stored,
        differences: replay.differences,
        matches: replay.matches,
      },
    );
  }
}
