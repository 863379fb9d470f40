import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Public } from '@app/platform';
import { AccountsService } from './accounts.service.js';
import { AuthService, type AccessToken } from './auth.service.js';
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
  @Post('auth/token')
  @HttpCode(200)
  token(@Body() dto: TokenRequestDto, @Ip() client: string): Promise<AccessToken> {
    return this.auth.exchange(dto.apiKey, client);
  }

  @ApiBearerAuth()
  @Get('accounts/me')
  me(@CurrentPrincipal() principal: Principal): Promise<Account> {
    return this.accounts.get(principal.tenantId);
  }
}
