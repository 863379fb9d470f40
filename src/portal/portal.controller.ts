import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public, ServesPageFile } from '@app/platform';
import { PortalAssetsService } from './portal-assets.service.js';

/**
 * The example portal's page and its two files. Public because they hold no data: the page signs customers up or asks
 * for their API key, and reads everything through the API with the token it exchanges it for.
 */
@ApiExcludeController()
@Public()
@Controller('portal')
export class PortalController {
  constructor(private readonly assets: PortalAssetsService) {}

  @Get()
  @ServesPageFile('html')
  page(): string {
    return this.assets.file('html');
  }

  @Get('portal.js')
  @ServesPageFile('script')
  script(): string {
    return this.assets.file('script');
  }

  @Get('portal.css')
  @ServesPageFile('style')
  style(): string {
    return this.assets.file('style');
  }

  /** Every other path is one of the page's own (a mail's /verify-email or /services/<id>/credentials link). */
  @Get('*path')
  @ServesPageFile('html')
  deepLink(): string {
    return this.assets.file('html');
  }
}
