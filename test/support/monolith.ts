import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { Storefront, tokenSubject } from './storefront.js';

export interface Monolith {
  app: INestApplication;
  db: DataSource;
  shop: Storefront;
  /** The bootstrap admin's bearer token, and its user id (the token's subject). */
  admin: string;
  adminUserId: string;
  /** A published plan orders and the saga know: it can be ordered. */
  planId: string;
}

/**
 * The whole monolith on a suite's own topic prefix (env over process.env), initialised without listening, with the
 * bootstrap admin logged in and one plan published and known. Close it with closeIsolatedApp(app, prefix).
 */
export async function startMonolith(prefix: string, env: Record<string, string> = {}): Promise<Monolith> {
  const app = await createPlatformApp(MONOLITH, { ...process.env, KAFKA_TOPIC_PREFIX: prefix, ...env });
  await app.init();
  const db = app.get(DataSource);
  const shop = new Storefront(app);
  const admin = await shop.adminToken();
  const planId = (await shop.publishPlan(admin)).id;
  await shop.planKnown(planId);
  return { app, db, shop, admin, adminUserId: tokenSubject(admin), planId };
}
