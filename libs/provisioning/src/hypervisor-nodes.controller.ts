import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import { CreateHypervisorNodeDto } from './dto/create-hypervisor-node.dto.js';
import { RegionFilterQuery } from './dto/region-filter.query.js';
import { UpdateHypervisorNodeDto } from './dto/update-hypervisor-node.dto.js';
import type { HypervisorNodeView } from './hypervisor-node.view.js';
import { HypervisorNodesService } from './hypervisor-nodes.service.js';

@ApiTags('provisioning')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/nodes')
export class HypervisorNodesController {
  constructor(private readonly nodes: HypervisorNodesService) {}

  @Get()
  list(@Query() query: RegionFilterQuery): Promise<HypervisorNodeView[]> {
    return this.nodes.list(query);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<HypervisorNodeView> {
    return this.nodes.get(id);
  }

  @Post()
  create(
    @CurrentPrincipal() admin: Principal,
    @Body() dto: CreateHypervisorNodeDto,
  ): Promise<HypervisorNodeView> {
    return this.nodes.create(dto, `admin ${admin.userId}`);
  }

  @Patch(':id')
  update(
    @CurrentPrincipal() admin: Principal,
    @Param('id') id: string,
    @Body() dto: UpdateHypervisorNodeDto,
  ): Promise<HypervisorNodeView> {
    return this.nodes.update(id, dto, `admin ${admin.userId}`);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentPrincipal() admin: Principal, @Param('id') id: string): Promise<void> {
    return this.nodes.remove(id, `admin ${admin.userId}`);
  }
}
