import { Controller, Get, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public, ServesPageFile } from '@app/platform';
import { ViewerAssetsService } from './viewer-assets.service.js';

/**
 * The admin viewer's page, its stylesheet and its ES modules. Public because they hold no data: the page asks for an admin API key,
 * exchanges it for a token and reads everything through the admin API with it.
 */
@ApiExcludeController()
@Public()
@Controller('admin')
export class AdminViewerController {
  constructor(private readonly assets: ViewerAssetsService) {}

  @Get()
  @ServesPageFile('html')
  page(): string {
    return this.assets.file('html');
  }

  @Get('admin.css')
  @ServesPageFile('style')
  style(): string {
    return this.assets.file('style');
  }

  /** admin.js and the modules it imports; any other name is a 404. */
  @Get(':module')
  @ServesPageFile('script')
  module(@Param('module') name: string): string {
    return this.assets.module(name);
  }
}
