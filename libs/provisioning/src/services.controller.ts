import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, PageQuery, type Principal } from '@app/platform';
import type { Credentials } from './credentials.service.js';
import { ListServicesQuery } from './dto/list-services.query.js';
import { ServiceActionDto } from './dto/service-action.dto.js';
import { actionPath, type ServiceActionView } from './service-action.view.js';
import { ServiceActionsService } from './service-actions.service.js';
import type { ServiceView } from './service.view.js';
import { ServicesService } from './services.service.js';

@ApiTags('services')
@ApiBearerAuth()
@Controller('v1/services')
export class ServicesController {
  constructor(
    private readonly services: ServicesService,
    private readonly actions: ServiceActionsService,
  ) {}

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

  @Post(':id/actions')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Reboots, powers off, powers on or reinstalls an active service; poll the Location for the outcome',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key and body → the same action (24 h)',
  })
  async requestAction(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ServiceActionDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ServiceActionView> {
    const { view, replayed } = await this.actions.request(principal, id, dto, key);
    response.setHeader('Location', actionPath(view)).setHeader('Idempotent-Replayed', String(replayed));
    return view;
  }

  @Get(':id/actions')
  listActions(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQuery,
  ) {
    return this.actions.list(principal, id, query);
  }

  @Get(':id/actions/:actionId')
  getAction(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('actionId', ParseUUIDPipe) actionId: string,
  ): Promise<ServiceActionView> {
    return this.actions.get(principal, id, actionId);
  }
}
