import type { DataSource, EntityManager } from 'typeorm';
import { transaction } from '@app/database';
import type { DomainDescriptor } from '../domain.js';
import type { EventSchemasService } from '../validation/event-schemas.service.js';
import { UnitOfWork, type CausalContext } from './unit-of-work.js';
import { withHeldOutbox } from './outbox-writes.js';

/** A domain's only way to publish: its state change and its events in one transaction. */
export class OutboxService {
  constructor(
    readonly domain: DomainDescriptor,
    private readonly dataSource: DataSource,
    private readonly schemas: EventSchemasService,
    readonly topicPrefix: string,
  ) {}

  transaction<T>(work: (uow: UnitOfWork) => Promise<T>, causal: CausalContext = {}): Promise<T> {
    return transaction(this.dataSource, (manager) =>
      withHeldOutbox(manager, () => work(this.unitOfWork(manager, causal)), true),
    );
  }

  /**
   * For code that owns its transaction's commit but learns the causal context inside it (a claimed job): the rows
   * published through `manager` while `work` runs go in one INSERT when it ends. Call it inside the transaction and
   * commit only after it resolved. `commitsNext`: the transaction commits as soon as this resolves, nothing in
   * between; the INSERT then carries the COMMIT (withHeldOutbox).
   */
  holdingRows<T>(manager: EntityManager, work: () => Promise<T>, commitsNext = false): Promise<T> {
    return withHeldOutbox(manager, work, commitsNext);
  }

  unitOfWork(manager: EntityManager, causal: CausalContext = {}): UnitOfWork {
    return new UnitOfWork(manager, this.domain, this.schemas, this.topicPrefix, causal);
  }
}
