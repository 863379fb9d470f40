import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import { OperatorActionDto } from '../dto/operator-action.dto.js';
import { ServiceBackOfficeService, type OperatorActionResult } from './service-back-office.service.js';

/**
 * The back office's actions on a service, across tenants: 202 with the command sent to provisioning, 409 naming
 * why the subscription's state refuses it (README: "The back office").
 */
@ApiTags('billing')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/subscriptions')
export class SubscriptionsAdminController {
  constructor(private readonly backOffice: ServiceBackOfficeService) {}

  @Post(':serviceId/suspend')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Suspends an active service (stopped and locked) until an operator unsuspends it',
  })
  suspend(
    @CurrentPrincipal() operator: Principal,
    @Param('serviceId', ParseUUIDPipe) serviceId: string,
    @Body() dto: OperatorActionDto,
  ): Promise<OperatorActionResult> {
    return this.backOffice.act(serviceId, 'suspend', dto.reason, operator);
  }

  @Post(':serviceId/unsuspend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Lifts a suspension an operator made (not while a renewal is overdue)' })
  unsuspend(
    @CurrentPrincipal() operator: Principal,
    @Param('serviceId', ParseUUIDPipe) serviceId: string,
    @Body() dto: OperatorActionDto,
  ): Promise<OperatorActionResult> {
    return this.backOffice.act(serviceId, 'unsuspend', dto.reason, operator);
  }

  @Post(':serviceId/terminate')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Terminates the service: open invoices voided, invoicing stopped, the machine deleted',
  })
  terminate(
    @CurrentPrincipal() operator: Principal,
    @Param('serviceId', ParseUUIDPipe) serviceId: string,
    @Body() dto: OperatorActionDto,
  ): Promise<OperatorActionResult> {
    return this.backOffice.act(serviceId, 'terminate', dto.reason, operator);
  }
}
