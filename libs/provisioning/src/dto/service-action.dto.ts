import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { SERVICE_ACTIONS } from '@app/contracts';
import type { ServiceAction } from '../service-action.state.js';

export class ServiceActionDto {
  @ApiProperty({
    enum: SERVICE_ACTIONS,
    description: 'reinstall rebuilds the disk from the image and issues new one-time root credentials',
  })
  @IsIn(SERVICE_ACTIONS)
  action!: ServiceAction;
}
