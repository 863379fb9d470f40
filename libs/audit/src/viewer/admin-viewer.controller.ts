import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public, ServesPageFile } from '@app/platform';
import { ViewerAssetsService } from './viewer-assets.service.js';

/**
 * The admin viewer's page and its two files. Public because they hold no data: the page asks for an admin API key,
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

  @Get('admin.js')
  @ServesPageFile('script')
  script(): string {
    return this.assets.file('script');
  }

  @Get('admin.css')
  @ServesPageFile('style')
  style(): string {
    return this.assets.file('style');
  }
}
