import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import { RequestReplayDto } from './dto/request-replay.dto.js';
import type { OrderTimeline, ReplayRequested, ReplayView } from './admin-api.view.js';
import { OrderTimelineService } from './order-timeline.service.js';
import { ReplaysService } from './replays.service.js';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin')
export class OrderAuditController {
  constructor(
    private readonly timelines: OrderTimelineService,
    private readonly replays: ReplaysService,
  ) {}

  @Get('orders/:orderId/timeline')
  timeline(@Param('orderId', ParseUUIDPipe) orderId: string): Promise<OrderTimeline> {
    return this.timelines.timeline(orderId);
  }

  @Post('orders/:orderId/replays')
  @HttpCode(202)
  replay(
    @CurrentPrincipal() principal: Principal,
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Body() dto: RequestReplayDto,
  ): Promise<ReplayRequested> {
    return this.replays.request(principal, orderId, dto.reason);
  }

  @Get('replays/:replayId')
  getReplay(@Param('replayId', ParseUUIDPipe) replayId: string): Promise<ReplayView> {
    return this.replays.get(replayId);
  }
}
