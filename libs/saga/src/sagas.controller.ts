import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/platform';
import { OrderSagaService } from './order-saga.service.js';

@ApiTags('saga')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/sagas')
export class SagasController {
  constructor(private readonly saga: OrderSagaService) {}

  /** Publishes once more the request of the compensation a stuck saga waits for (see libs/saga/README.md). */
  @Post(':orderId/retry-compensation')
  @HttpCode(202)
  retryCompensation(@Param('orderId', new ParseUUIDPipe()) orderId: string) {
    return this.saga.retryCompensation(orderId);
  }
}
