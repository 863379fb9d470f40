import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, type Principal } from '@app/platform';
import { CreateOrderDto } from './dto/create-order.dto.js';
import { ListOrdersQuery } from './dto/list-orders.query.js';
import type { OrderView } from './order.view.js';
import { OrderStreamService } from './order-stream.service.js';
import { OrdersService } from './orders.service.js';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly stream: OrderStreamService,
  ) {}

  @Post()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key and body → the same response (24 h)',
  })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateOrderDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderView> {
    const result = await this.orders.create(principal, dto, key);
    response.status(result.status).setHeader('Idempotent-Replayed', String(result.replayed));
    return result.body;
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListOrdersQuery) {
    return this.orders.list(principal, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<OrderView> {
    return this.orders.get(principal, id);
  }

  @Get(':id/events')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: "The order's progress as Server-Sent Events",
    description:
      'Events `status`, `invoice`, `payment`, `progress`, `action` (each with an `id`), then `end` when the order is ' +
      "over (news after it, such as the service's actions, comes before `end` on a later connection); " +
      'resume with Last-Event-ID. 204 once nothing more will come.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event' })
  events(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.stream.open(principal, id, lastEventId, request, response);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<OrderView> {
    return this.orders.cancel(principal, id);
  }
}
