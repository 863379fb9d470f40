import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@app/platform';
import { ListInvoicesQuery } from './dto/list-invoices.query.js';
import { PayInvoiceDto } from './dto/pay-invoice.dto.js';
import type { InvoicePage, InvoiceView } from './invoice.view.js';
import { InvoicesService } from './invoices.service.js';
import { PaymentsService } from './payments.service.js';

@ApiTags('billing')
@ApiBearerAuth()
@Controller('v1/invoices')
export class InvoicesController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly payments: PaymentsService,
  ) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListInvoicesQuery): Promise<InvoicePage> {
    return this.invoices.list(principal, query);
  }

  @Get(':id')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<InvoiceView> {
    return this.invoices.get(principal, id);
  }

  @Post(':id/pay')
  @HttpCode(200)
  pay(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PayInvoiceDto,
  ): Promise<InvoiceView> {
    return this.payments.pay(principal, id, dto.paymentToken);
  }
}
