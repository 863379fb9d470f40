import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import type { ConsumerLagView } from './admin-api.view.js';
import {
  ConsumerGroupsService,
  type ConsumerGroupView,
  type OffsetResetView,
} from './consumer-groups.service.js';
import { ConsumerLagService } from './consumer-lag.service.js';
import { ResetOffsetsDto } from './dto/reset-offsets.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/consumers')
export class ConsumersController {
  constructor(
    private readonly consumers: ConsumerLagService,
    private readonly groups: ConsumerGroupsService,
  ) {}

  @Get('lag')
  lag(): Promise<ConsumerLagView> {
    return this.consumers.lag();
  }

  /** This environment's consumer groups: state, members and their partitions, committed/end offsets, lag. */
  @Get('groups')
  list(): Promise<{ groups: ConsumerGroupView[] }> {
    return this.groups.list();
  }

  @Get('groups/:groupId')
  get(@Param('groupId') groupId: string): Promise<ConsumerGroupView> {
    return this.groups.get(groupId);
  }

  /**
   * Moves the group's committed offsets (earliest, latest, a time, an offset) — only while it has no member (409
   * group-active). A dry run (the default) shows per partition what would be re-consumed or skipped; the real move
   * needs a reason and is recorded as an admin action.
   */
  @Post('groups/:groupId/offsets')
  @HttpCode(200)
  resetOffsets(
    @CurrentPrincipal() principal: Principal,
    @Param('groupId') groupId: string,
    @Body() dto: ResetOffsetsDto,
  ): Promise<OffsetResetView> {
    return this.groups.resetOffsets(principal, groupId, dto);
  }
}
