import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import { ListSagasQuery } from './dto/list-sagas.query.js';
import { SagaActionDto } from './dto/saga-action.dto.js';
import { OrderSagaService } from './order-saga.service.js';
import { SagaConsoleService } from './saga-console.service.js';

@ApiTags('saga')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/sagas')
export class SagasController {
  constructor(
    private readonly saga: OrderSagaService,
    private readonly console: SagaConsoleService,
  ) {}

  /** This environment's sagas, newest first: by status, step, tenant, age (seconds), or stuck. */
  @Get()
  list(@Query() query: ListSagasQuery) {
    return this.console.list(query);
  }

  /** The saga of an order with its history: every decision, timer, retry, compensation and operator action. */
  @Get(':orderId')
  get(@Param('orderId', new ParseUUIDPipe()) orderId: string) {
    return this.console.get(orderId);
  }

  /** retry_step, fire_timer, compensate or terminate: 202, or 409 naming why the saga's state refuses it. */
  @Post(':orderId/actions')
  @HttpCode(202)
  act(
    @CurrentPrincipal() principal: Principal,
    @Param('orderId', new ParseUUIDPipe()) orderId: string,
    @Body() dto: SagaActionDto,
  ) {
    return this.saga.act(orderId, dto.action, dto.reason, principal);
  }

  /** Publishes once more the request of the compensation a stuck saga waits for (see libs/saga/README.md). */
  @Post(':orderId/retry-compensation')
  @HttpCode(202)
  retryCompensation(@Param('orderId', new ParseUUIDPipe()) orderId: string) {
    return this.saga.retryCompensation(orderId);
  }
}
