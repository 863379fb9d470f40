import { Controller, DefaultValuePipe, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/platform';
import { type CaughtMailPage, type CaughtMailView, DevMailboxService } from './dev-mailbox.service.js';

/** The console's Mail tab: what `npm start`'s mail catcher caught (development only). */
@ApiTags('notifications')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/dev-mail')
export class DevMailController {
  constructor(private readonly mailbox: DevMailboxService) {}

  @Get()
  list(
    @Query('before') before: string | undefined,
    @Query('limit', new DefaultValuePipe(50), ParseIntPipe) limit: number,
  ): Promise<CaughtMailPage> {
    return this.mailbox.page(before, limit);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<CaughtMailView> {
    return this.mailbox.get(id);
  }
}
