import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Controller,
  Get,
  Req,
  Res,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators.js';
import { SkipRateLimit } from '../auth/rate-limit.guard.js';
import { AppConfig } from '../config/app.config.js';
import { prometheusReader } from './telemetry.sdk.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Prometheus text format. Outside the customer auth (a scraper has no tenant): with METRICS_TOKEN set it wants
 * `Authorization: Bearer <METRICS_TOKEN>`; without, it is open and operators keep it off the public network (the
 * numbers reveal traffic, never data).
 */
@Public()
@SkipRateLimit()
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  scrape(@Req() request: Request, @Res() response: Response): void {
    const token = this.config.METRICS_TOKEN;
    if (token) {
      const presented = /^Bearer (.+)$/.exec(request.header('authorization') ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(presented), digest(token))) {
        throw new UnauthorizedException('a valid metrics token is required');
      }
    }
    const reader = prometheusReader();
    if (!reader) {
      throw new ServiceUnavailableException('telemetry has not been started');
    }
    reader.getMetricsRequestHandler(request, response);
  }
}
