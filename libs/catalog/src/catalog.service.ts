import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { isUniqueViolation } from '@app/database';
import { OutboxService } from '@app/messaging';
import { PLATFORM_TENANT_ID, Span } from '@app/platform';
import { CatalogErrorCode, CatalogException } from './catalog.exception.js';
import type { PublishPlanDto, RetirePlanDto } from './dto/publish-plan.dto.js';
import { Plan } from './entities/plan.entity.js';
import { Region } from './entities/region.entity.js';

/** The catalog is the operator's: its events are keyed by the platform tenant, other modules keep read models. */
@Injectable()
export class CatalogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  listPlans(): Promise<Plan[]> {
    return this.dataSource.manager.find(Plan, { where: { status: 'published' }, order: { code: 'ASC' } });
  }

  listRegions(): Promise<Region[]> {
    return this.dataSource.manager.find(Region, { order: { code: 'ASC' } });
  }

  @Span('catalog.publish')
  async publish(dto: PublishPlanDto): Promise<Plan> {
    const regions = await this.dataSource.manager.findBy(Region, {});
    const known = new Map(regions.map((r) => [r.code, r]));
    const unknown = dto.regions.filter((r) => !known.has(r));
    if (unknown.length > 0) {
      throw new CatalogException(CatalogErrorCode.UnknownRegion, `unknown: ${unknown.join(', ')}`);
    }
    const offered = new Set(dto.regions.flatMap((r) => known.get(r)?.images ?? []));
    const images = dto.images ?? [...offered].sort();
    const missing = images.filter((i) => !offered.has(i));
    if (missing.length > 0) {
      throw new CatalogException(CatalogErrorCode.UnknownImage, `not offered: ${missing.join(', ')}`);
    }
    const priceKeys = dto.prices.map((p) => `${p.billingCycle}/${p.currency}`);
    if (new Set(priceKeys).size !== priceKeys.length) {
      throw new CatalogException(CatalogErrorCode.DuplicatePrice);
    }
    const plan: Plan = {
      id: uuidv7(),
      code: dto.code,
      name: dto.name,
      vcpus: dto.vcpus,
      memoryMb: dto.memoryMb,
      diskGb: dto.diskGb,
      regions: dto.regions,
      prices: dto.prices.map((p) => ({ ...p })),
      status: 'published',
      replacementPlanId: null,
      publishedAt: new Date(),
      retiredAt: null,
    };
    try {
      await this.outbox.transaction(async (uow) => {
        await uow.manager.insert(Plan, plan);
        await uow.publish(
          'catalog.plan.published',
          {
            planId: plan.id,
            code: plan.code,
            name: plan.name,
            vcpus: plan.vcpus,
            memoryMb: plan.memoryMb,
            diskGb: plan.diskGb,
            regions: plan.regions,
            images,
            prices: plan.prices,
          },
          { tenantId: PLATFORM_TENANT_ID, subject: plan.id },
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new CatalogException(CatalogErrorCode.PlanCodeTaken);
      }
      throw error;
    }
    return plan;
  }

  /** Idempotent: retiring a retired plan publishes nothing. */
  retire(id: string, dto: RetirePlanDto): Promise<Plan> {
    return this.outbox.transaction(async (uow) => {
      const plan = await uow.manager.findOne(Plan, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!plan) {
        throw new CatalogException(CatalogErrorCode.PlanNotFound);
      }
      if (plan.status === 'retired') {
        return plan;
      }
      plan.status = 'retired';
      plan.retiredAt = new Date();
      plan.replacementPlanId = dto.replacementPlanId ?? null;
      await uow.manager.save(Plan, plan);
      await uow.publish(
        'catalog.plan.retired',
        { planId: id, replacementPlanId: plan.replacementPlanId },
        { tenantId: PLATFORM_TENANT_ID, subject: id },
      );
      return plan;
    });
  }
}
