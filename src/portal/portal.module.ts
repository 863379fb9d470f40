import { Module } from '@nestjs/common';
import { PortalAssetsService } from './portal-assets.service.js';
import { PortalController } from './portal.controller.js';

/**
 * The example customer portal at /portal: sign-up, plans, orders followed live, payment, credentials. Not a domain:
 * it has no data and no events of its own and reaches the domains only through the public API, like a provider's
 * own storefront would (`npm run build:portal` makes it static files for one).
 */
@Module({
  controllers: [PortalController],
  providers: [PortalAssetsService],
})
export class PortalModule {}
