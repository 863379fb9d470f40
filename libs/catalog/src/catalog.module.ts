import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { CATALOG } from './catalog.domain.js';

@Module({
  imports: [MessagingModule.forDomain(CATALOG)],
})
export class CatalogModule {}
