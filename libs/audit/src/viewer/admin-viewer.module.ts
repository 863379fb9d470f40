import { Module } from '@nestjs/common';
import { AdminViewerController } from './admin-viewer.controller.js';
import { ViewerAssetsService } from './viewer-assets.service.js';

/** The web page at /admin: the event stream, an order's timeline, dead letters and consumer lag. */
@Module({
  controllers: [AdminViewerController],
  providers: [ViewerAssetsService],
})
export class AdminViewerModule {}
