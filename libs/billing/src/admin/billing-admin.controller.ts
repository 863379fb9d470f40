import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import { BillingAdminService } from './billing-admin.service.js';
import type { AdminInvoicePage, AdminInvoiceView, OperatorRequestAccepted } from './billing-admin.view.js';
import { ListAdminInvoicesQuery } from '../dto/list-admin-invoices.query.js';
import { OperatorRequestDto } from '../dto/operator-request.dto.js';
import { OperatorCommandsService } from './operator-commands.service.js';

/** Billing's back office: invoices and payments across tenants, and an operator's void or refund. */
@ApiTags('billing-admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin')
export class BillingAdminController {
  constructor(
    private readonly admin: BillingAdminService,
    private readonly commands: OperatorCommandsService,
  ) {}

  /** Newest first, in keyset pages: by status, tenant or order. */
  @Get('invoices')
  list(@Query() query: ListAdminInvoicesQuery): Promise<AdminInvoicePage> {
    return this.admin.list(query);
  }

  @Get('invoices/:id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<AdminInvoiceView> {
    return this.admin.get(id);
  }

  /** 202: the void is asked of billing's consumer; 409 names why the invoice's state refuses it. */
  @Post('invoices/:id/void')
  @HttpCode(202)
  void(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: OperatorRequestDto,
  ): Promise<OperatorRequestAccepted> {
    return this.commands.voidInvoice(principal, id, dto.reason);
  }

  /** 202: the refund is asked of billing's consumer; 409 names why the payment's state refuses it. */
  @Post('payments/:id/refund')
  @HttpCode(202)
  refund(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: OperatorRequestDto,
  ): Promise<OperatorRequestAccepted> {
    return this.commands.refundPayment(principal, id, dto.reason);
  }
}
