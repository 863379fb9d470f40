import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Public, Roles } from '@app/platform';
import { AccountsService, type SignUpResult } from './accounts.service.js';
import { AuthService, type AccessToken } from './auth.service.js';
import { SignUpDto } from './dto/sign-up.dto.js';
import { SuspendAccountDto } from './dto/suspend-account.dto.js';
import { TokenRequestDto } from './dto/token-request.dto.js';
import type { Account } from './entities/account.entity.js';

@ApiTags('accounts')
@Controller('v1')
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly auth: AuthService,
  ) {}

  @Public()
  @Post('accounts')
  signUp(@Body() dto: SignUpDto): Promise<SignUpResult> {
    return this.accounts.signUp(dto);
  }

  @Public()
  @Post('auth/token')
  @HttpCode(200)
  token(@Body() dto: TokenRequestDto): Promise<AccessToken> {
    return this.auth.exchange(dto.apiKey);
  }

  @ApiBearerAuth()
  @Get('accounts/me')
  me(@CurrentPrincipal() principal: Principal): Promise<Account> {
    return this.accounts.get(principal.tenantId);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post('admin/accounts/:id/suspend')
  @HttpCode(200)
  suspend(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SuspendAccountDto): Promise<Account> {
    return this.accounts.suspend(id, dto);
  }
}
