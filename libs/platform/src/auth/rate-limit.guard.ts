import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { AppConfig } from '../config/app.config.js';
import type { AuthenticatedRequest } from './auth.decorators.js';
import { clientKeyOf } from './client-address.js';

const SKIP_RATE_LIMIT = 'platforma:skip-rate-limit';
/** Probes and the like: never limited. */
export const SkipRateLimit = (): MethodDecorator & ClassDecorator => SetMetadata(SKIP_RATE_LIMIT, true);

const WINDOW_MS = 60_000;
const MAX_TRACKED = 10_000;

/**
 * Fixed one-minute windows per tenant once the caller is known (it runs after AuthGuard), per client address
 * before: request.ip, the client behind the gateway as TRUST_PROXY allows (an IPv6 client by its /64). In memory
 * and bounded, so each instance limits on its own. (@nestjs/throttler 6 is CommonJS and cannot be loaded
 * beside Nest 12's ESM packages under Jest, hence this small guard.)
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') {
      return true;
    }
    if (
      this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, [context.getHandler(), context.getClass()])
    ) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.principal
      ? `tenant:${request.principal.tenantId}`
      : `client:${clientKeyOf(request.ip)}`;
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) {
      this.evictExpired(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    const limit = this.config.RATE_LIMIT_PER_MINUTE;
    const resetSeconds = Math.ceil((window.start + WINDOW_MS - now) / 1000);
    response.setHeader('RateLimit-Limit', String(limit));
    response.setHeader('RateLimit-Remaining', String(Math.max(0, limit - window.count)));
    response.setHeader('RateLimit-Reset', String(resetSeconds));
    if (window.count > limit) {
      response.setHeader('Retry-After', String(resetSeconds));
      throw new HttpException('Rate limit exceeded: try again later', HttpStatus.TOO_MANY_REQUESTS);
    }
    return true;
  }

  private evictExpired(now: number): void {
    if (this.windows.size < MAX_TRACKED) {
      return;
    }
    for (const [key, window] of this.windows) {
      if (now - window.start >= WINDOW_MS) {
        this.windows.delete(key);
      }
    }
    // Still full of live windows (many addresses within one minute): drop the oldest tenth, so memory stays bounded;
    // a dropped caller merely starts a fresh window.
    for (const key of this.windows.keys()) {
      if (this.windows.size <= MAX_TRACKED * 0.9) {
        break;
      }
      this.windows.delete(key);
    }
  }
}
