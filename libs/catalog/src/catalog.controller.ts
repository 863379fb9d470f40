import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@app/platform';
import { CatalogService } from './catalog.service.js';
import { PublishPlanDto, RetirePlanDto } from './dto/publish-plan.dto.js';
import type { Plan } from './entities/plan.entity.js';
import type { Region } from './entities/region.entity.js';

@ApiTags('catalog')
@Controller('v1')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Public()
  @Get('catalog/plans')
  plans(): Promise<Plan[]> {
    return this.catalog.listPlans();
  }

  @Public()
  @Get('catalog/regions')
  regions(): Promise<Region[]> {
    return this.catalog.listRegions();
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post('admin/catalog/plans')
  publish(@Body() dto: PublishPlanDto): Promise<Plan> {
    return this.catalog.publish(dto);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post('admin/catalog/plans/:id/retire')
  @HttpCode(200)
  retire(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RetirePlanDto): Promise<Plan> {
    return this.catalog.retire(id, dto);
  }
}
