import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';

describe('monolith health', () => {
  const prefix = uniquePrefix('health');
  let app: INestApplication;

  beforeAll(async () => {
    app = await createPlatformApp(MONOLITH, { ...process.env, KAFKA_TOPIC_PREFIX: prefix });
    await app.init();
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  it('reports live', async () => {
    const response = await request(app.getHttpServer() as Server)
      .get('/health/live')
      .expect(200);
    expect(response.body).toMatchObject({ status: 'ok' });
  });

  it('reports ready with PostgreSQL and Kafka up', async () => {
    const response = await request(app.getHttpServer() as Server)
      .get('/health/ready')
      .expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      info: { postgres: { status: 'up' }, kafka: { status: 'up', brokers: 1 }, consumers: { status: 'up' } },
    });
  });

  it('answers unknown routes with problem+json', async () => {
    const response = await request(app.getHttpServer() as Server)
      .get('/no-such-route')
      .expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 404, code: 'not-found', instance: '/no-such-route' });
  });
});
