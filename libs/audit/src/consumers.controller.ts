import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { ConsumerGroupLag } from '@app/messaging';
import { Roles } from '@app/platform';
import { ConsumerLagService } from './consumer-lag.service.js';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/consumers')
export class ConsumersController {
  constructor(private readonly consumers: ConsumerLagService) {}

  @Get('lag')
  lag(): Promise<{ groups: ConsumerGroupLag[] }> {
    return this.consumers.lag();
  }
}
