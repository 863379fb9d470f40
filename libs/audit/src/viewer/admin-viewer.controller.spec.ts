import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import helmet from 'helmet';
import request from 'supertest';
import { assetDirectories, readPageFiles } from '@app/platform';
import { AdminViewerModule } from './admin-viewer.module.js';
import { VIEWER_FILES } from './viewer-assets.service.js';

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

describe('admin viewer page', () => {
  let app: INestApplication;

  // The module behind helmet, as the apps serve it (a lib's spec does not reach into test/support).
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AdminViewerModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use(helmet());
    await app.init();
  });

  afterAll(() => app.close());

  const http = () => request(app.getHttpServer() as Server);

  it('serves the page under its own CSP, replacing helmet default', async () => {
    const response = await http().get('/admin').expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.text).toBe(asset('admin.html'));
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('serves the script and the stylesheet with their types', async () => {
    const script = await http().get('/admin/admin.js').expect(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.text).toBe(asset('admin.js'));
    const style = await http().get('/admin/admin.css').expect(200);
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(style.text).toBe(asset('admin.css'));
    await http().get('/admin/admin.html').expect(404);
  });

  it('keeps code out of the markup and markup out of the script', () => {
    const html = asset('admin.html');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/\sstyle\s*=|<style/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//i);
    expect(asset('admin.js')).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });
});

describe('admin viewer files', () => {
  it('are found beside the service when running from source', () => {
    const files = readPageFiles(assetDirectories(import.meta.url), VIEWER_FILES);
    expect(files?.script).toBe(asset(VIEWER_FILES.script));
  });
});
