import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@app/platform';
import { ViewerAssetsService } from './viewer-assets.service.js';

/**
 * Stricter than helmet's default policy: only this origin's script and stylesheet, no inline code or styles, data
 * only from this origin's API, never framed. No upgrade-insecure-requests, so it also works over plain-HTTP loopback.
 */
export const VIEWER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

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
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', VIEWER_CSP)
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return this.assets.file('html');
  }

  @Get('admin.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  script(): string {
    return this.assets.file('script');
  }

  @Get('admin.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  style(): string {
    return this.assets.file('style');
  }
}
