import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, PageQuery, type Principal } from '@app/platform';
import { CreditService, type CreditEntryView, type CreditView } from './credit.service.js';

/** The caller's account credit: what downgrades left over, applied to the next invoices automatically. */
@ApiTags('billing')
@ApiBearerAuth()
@Controller('v1/credit')
export class CreditController {
  constructor(private readonly credits: CreditService) {}

  @Get()
  balance(@CurrentPrincipal() principal: Principal): Promise<CreditView> {
    return this.credits.balance(principal);
  }

  /** The ledger, newest first: + from a downgrade, − applied to an invoice. */
  @Get('entries')
  entries(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PageQuery,
  ): Promise<{ items: CreditEntryView[]; nextCursor: string | null }> {
    return this.credits.entries(principal, query);
  }
}
