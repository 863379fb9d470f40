import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { CatalogController } from './catalog.controller.js';
import { CATALOG } from './catalog.domain.js';
import { CatalogService } from './catalog.service.js';
import { Plan } from './entities/plan.entity.js';
import { Region } from './entities/region.entity.js';

@Module({
  imports: [MessagingModule.forDomain(CATALOG), TypeOrmModule.forFeature([Plan, Region])],
  controllers: [CatalogController],
  providers: [CatalogService],
})
export class CatalogModule {}
