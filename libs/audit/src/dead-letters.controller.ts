import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import type { BulkRedriveResult, DeadLetterListItem, Page, RedriveAccepted } from './admin-api.view.js';
import { BulkRedriveService } from './bulk-redrive.service.js';
import { DeadLettersService } from './dead-letters.service.js';
import { BulkRedriveDto } from './dto/bulk-redrive.dto.js';
import { ListDeadLettersQuery } from './dto/list-dead-letters.query.js';
import { RedriveDto } from './dto/redrive.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/dlq')
export class DeadLettersController {
  constructor(
    private readonly deadLetters: DeadLettersService,
    private readonly bulk: BulkRedriveService,
  ) {}

  @Get()
  list(@Query() query: ListDeadLettersQuery): Promise<Page<DeadLetterListItem>> {
    return this.deadLetters.list(query);
  }

  /**
   * The dead letters matching a selection (type, part of the error, time dead-lettered, ids), oldest first, at most
   * `limit` (500) per call: more matching ones are left for the next call, from `nextCursor`. A dry run (the default)
   * changes nothing; the real run redrives each as POST :id/redrive would, reports every refusal with its reason and
   * records the batch as one dlq.redrive_batch admin action. 200 whatever was refused; 400 for a bad selection.
   */
  @Post('redrive')
  @HttpCode(200)
  redriveBulk(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: BulkRedriveDto,
  ): Promise<BulkRedriveResult> {
    return this.bulk.redrive(principal, dto);
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
  ): Promise<RedriveAccepted> {
    return this.deadLetters.redrive(principal, id, dto.reason);
  }
}
