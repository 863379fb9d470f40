import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import type { ListSagasQuery } from './dto/list-sagas.query.js';
import { SagaErrorCode, SagaException } from './saga.exception.js';
import { type Deadlines, type SagaView, toView } from './saga-console.view.js';
import { SagaHistoryRepository } from './saga-history.repository.js';
import { SagaRepository } from './saga.repository.js';

/** The operator console's reads: this environment's sagas, one saga with its history. */
@Injectable()
export class SagaConsoleService {
  constructor(
    private readonly repository: SagaRepository,
    private readonly historyLog: SagaHistoryRepository,
    private readonly config: AppConfig,
  ) {}

  private get deadlines(): Deadlines {
    return {
      paymentWindowSeconds: this.config.PAYMENT_WINDOW_SECONDS,
      provisioningDeadlineSeconds: this.config.PROVISIONING_DEADLINE_SECONDS,
    };
  }

  async list(query: ListSagasQuery): Promise<{ items: SagaView[]; nextCursor: string | null }> {
    const limit = query.limit ?? 20;
    const rows = await this.repository.list({
      ...(query.status ? { status: query.status } : {}),
      ...(query.step ? { step: query.step } : {}),
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
      ...(query.olderThan !== undefined ? { olderThanSeconds: query.olderThan } : {}),
      ...(query.stuck ? { stuck: this.deadlines } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map((i) => toView(i, this.deadlines)),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  async get(orderId: string) {
    const instance = await this.repository.find(orderId);
    if (!instance) {
      throw new SagaException(SagaErrorCode.SagaNotFound);
    }
    return { ...toView(instance, this.deadlines), history: await this.historyLog.history(instance.id) };
  }
}
