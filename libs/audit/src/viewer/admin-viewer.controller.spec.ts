import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { transformFileSync } from '@swc/core';
import helmet from 'helmet';
import request from 'supertest';
import { assetDirectories, readPage, transpilePageModule } from '@app/platform';
import { AdminViewerModule } from './admin-viewer.module.js';
import { VIEWER_FILES } from './viewer-assets.service.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const ASSETS = fileURLToPath(new URL('./assets/', import.meta.url));
const asset = (name: string) => readFileSync(join(ASSETS, name), 'utf8');
const SOURCES = readdirSync(ASSETS).filter((name) => name.endsWith('.ts'));
const MODULES = SOURCES.map((name) => name.replace(/\.ts$/, '.js')).sort();

/** Every module a script imports or re-exports from, statically or not. */
function importsOf(script: string): string[] {
  return [...script.matchAll(/\b(?:import|export)\s*(?:[^'";]*?\bfrom\s*)?\(?\s*['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? '',
  );
}

/** The browser may load only the console's own modules: type-only imports of the API's views are gone. */
function expectClosedModules(modules: Record<string, string>): void {
  expect(Object.keys(modules).sort()).toEqual(MODULES);
  for (const [name, code] of Object.entries(modules)) {
    for (const specifier of importsOf(code)) {
      expect({ name, specifier, sibling: MODULES.map((m) => `./${m}`).includes(specifier) }).toEqual({
        name,
        specifier,
        sibling: true,
      });
    }
    expect(code).not.toMatch(/\brequire\(|\bexports\.|\bmodule\.exports\b|sourceMappingURL/);
  }
  // admin.js reaches every module: none is served that the page never loads.
  const reached = new Set(['admin.js']);
  for (const name of reached) {
    importsOf(modules[name] ?? '').forEach((specifier) => reached.add(specifier.slice(2)));
  }
  expect([...reached].sort()).toEqual(MODULES);
}

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

  it('serves each module as transpiled from its TypeScript, and the stylesheet; nothing else', async () => {
    const served: Record<string, string> = {};
    for (const source of SOURCES) {
      const name = source.replace(/\.ts$/, '.js');
      const script = await http().get(`/admin/${name}`).expect(200);
      expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(script.text).toBe(await transpilePageModule(asset(source), source));
      served[name] = script.text;
    }
    expectClosedModules(served);
    const style = await http().get('/admin/admin.css').expect(200);
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(style.text).toBe(asset('admin.css'));
    for (const path of ['/admin/admin.html', '/admin/admin.ts', '/admin/tsconfig.json', '/admin/nope.js']) {
      await http().get(path).expect(404);
    }
  });

  it('keeps code out of the markup and markup out of the scripts', () => {
    const html = asset('admin.html');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/\sstyle\s*=|<style/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//i);
    expect(html).toContain('<script type="module" src="/admin/admin.js"></script>');
    for (const source of SOURCES) {
      expect(asset(source)).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    }
  });
});

describe('admin viewer files', () => {
  it('in a dist/ build are SWC’s compilation of the modules, without their source map links', async () => {
    const swcrc = JSON.parse(readFileSync(join(ROOT, '.swcrc'), 'utf8')) as { jsc: Record<string, unknown> };
    const build = mkdtempSync(join(tmpdir(), 'admin-dist-'));
    try {
      const compiled: Record<string, string> = {};
      for (const source of SOURCES) {
        // As scripts/build.sh compiles them.
        const { code } = transformFileSync(join(ASSETS, source), {
          ...swcrc,
          swcrc: false,
          jsc: { ...swcrc.jsc, baseUrl: ROOT },
          sourceMaps: true,
        });
        const name = source.replace(/\.ts$/, '.js');
        compiled[name] = code;
        writeFileSync(join(build, name), `${code}\n//# sourceMappingURL=${name}.map`);
      }
      for (const name of ['admin.html', 'admin.css']) {
        writeFileSync(join(build, name), asset(name));
      }
      const page = await readPage([build, ...assetDirectories(import.meta.url)], VIEWER_FILES);
      expectClosedModules(page?.modules ?? {});
      expect(page?.modules['admin.js']).toBe(`${compiled['admin.js']}\n`);
      expect(await readPage(['/nonexistent'], VIEWER_FILES)).toBeUndefined();
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
  });
});
