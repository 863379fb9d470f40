import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import { ApiKeysService, type ApiKeySummary, type CreatedApiKey } from './api-keys.service.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';

/** Customers only: the operator's admin key comes from BOOTSTRAP_ADMIN_API_KEY and is rotated there. */
@ApiTags('accounts')
@ApiBearerAuth()
@Roles('customer')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal): Promise<ApiKeySummary[]> {
    return this.keys.list(principal);
  }

  @Post()
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    return this.keys.create(principal, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    return this.keys.revoke(principal, id);
  }
}
