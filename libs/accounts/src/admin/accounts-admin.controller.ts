import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import { ListAccountsAdminQuery } from '../dto/list-accounts-admin.query.js';
import { SuspendAccountDto } from '../dto/suspend-account.dto.js';
import { UnsuspendAccountDto } from '../dto/unsuspend-account.dto.js';
import { AccountsAdminService } from './accounts-admin.service.js';
import type { AdminAccountPage, AdminAccountView } from './accounts-admin.view.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/accounts')
export class AccountsAdminController {
  constructor(private readonly accounts: AccountsAdminService) {}

  /** This environment's accounts across tenants, newest first: by status, email (exact or prefix), tenant. */
  @Get()
  list(@Query() query: ListAccountsAdminQuery): Promise<AdminAccountPage> {
    return this.accounts.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<AdminAccountView> {
    return this.accounts.get(id);
  }

  /** 409 account-already-suspended when it is; the operator and the reason go into account.suspended. */
  @Post(':id/suspend')
  @HttpCode(200)
  suspend(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SuspendAccountDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AdminAccountView> {
    return this.accounts.suspend(id, dto, principal.userId);
  }

  /** 409 account-not-suspended when it is not; the operator and the note go into account.unsuspended. */
  @Post(':id/unsuspend')
  @HttpCode(200)
  unsuspend(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UnsuspendAccountDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AdminAccountView> {
    return this.accounts.unsuspend(id, dto, principal.userId);
  }
}
