import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthBackoffService } from './auth-backoff.service.js';
import { AuthGuard } from './auth.guard.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { TenantAccessService } from './tenant-access.service.js';
import { TokenService } from './token.service.js';

/** Authentication first (so the rate limit knows the tenant), then per-tenant rate limiting, on every HTTP route. */
@Global()
@Module({
  providers: [
    TokenService,
    AuthBackoffService,
    TenantAccessService,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [AuthBackoffService, TokenService],
})
export class AuthModule {}
