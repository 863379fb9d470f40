import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import type { Page } from './audit.view.js';
import { DeadLettersService, type DeadLetterListItem } from './dead-letters.service.js';
import { ListDeadLettersQuery } from './dto/list-dead-letters.query.js';
import { RedriveDto } from './dto/redrive.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/dlq')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  list(@Query() query: ListDeadLettersQuery): Promise<Page<DeadLetterListItem>> {
    return this.deadLetters.list(query);
  }

  /**
   * :id is the audit log row id of the dead letter (the id of an item of the list). It goes back to the topic whose
   * DLQ holds it, or is refused (409 redrive-refused, the reason in detail and in the admin trail).
   */
  @Post(':id/redrive')
  @HttpCode(202)
  redrive(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: RedriveDto,
  ): Promise<{ redrivenTo: string; actionId: string }> {
    return this.deadLetters.redrive(principal, id, dto.reason);
  }
}
