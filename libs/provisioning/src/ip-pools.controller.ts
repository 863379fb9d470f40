import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import { AddIpRangeDto } from './dto/add-ip-range.dto.js';
import { RegionFilterQuery } from './dto/region-filter.query.js';
import type { IpPoolView } from './ip-pool.view.js';
import { IpPoolsService } from './ip-pools.service.js';

@ApiTags('provisioning')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/ip-pools')
export class IpPoolsController {
  constructor(private readonly pools: IpPoolsService) {}

  @Get()
  list(@Query() query: RegionFilterQuery): Promise<IpPoolView[]> {
    return this.pools.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<IpPoolView> {
    return this.pools.get(id);
  }

  @Post()
  add(@CurrentPrincipal() admin: Principal, @Body() dto: AddIpRangeDto): Promise<IpPoolView> {
    return this.pools.add(dto, `admin ${admin.userId}`);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentPrincipal() admin: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.pools.remove(id, `admin ${admin.userId}`);
  }
}
