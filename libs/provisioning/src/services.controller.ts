import { Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@app/platform';
import type { Credentials } from './credentials.service.js';
import { ListServicesQuery } from './dto/list-services.query.js';
import type { ServiceView } from './service.view.js';
import { ServicesService } from './services.service.js';

@ApiTags('services')
@ApiBearerAuth()
@Controller('v1/services')
export class ServicesController {
  constructor(private readonly services: ServicesService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListServicesQuery) {
    return this.services.list(principal, query);
  }

  @Get(':id')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ServiceView> {
    return this.services.get(principal, id);
  }

  @Post(':id/credentials')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Returns the initial root credentials once and destroys them; later calls get 410',
  })
  retrieveCredentials(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<Credentials> {
    return this.services.retrieveCredentials(principal, id);
  }
}
