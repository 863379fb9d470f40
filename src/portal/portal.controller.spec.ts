import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFileSync } from '@swc/core';
import { assetDirectories, PAGE_CSP, transpilePageModule } from '@app/platform';
import { readPortalFiles } from './portal-assets.service.js';
import { PortalModule } from './portal.module.js';
import { staticPortal } from './static-build.js';
import { expectCodeOutOfMarkup, expectMarkupOutOfScript, pageApp } from '../../test/support/page-app.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ASSETS = fileURLToPath(new URL('./assets/', import.meta.url));
const asset = (name: string) => readFileSync(join(ASSETS, name), 'utf8');

/** What makes a script more than one plain ES module: imports, exports the page cannot use, CommonJS. */
const MODULE_SYSTEM = /^\s*(import|export)\s+(?!\{\s*\};?\s*$)|\brequire\(|\bexports\.|\bmodule\.exports\b/m;

describe('portal page', () => {
  let portal: Awaited<ReturnType<typeof pageApp>>;

  beforeAll(async () => {
    portal = await pageApp(PortalModule);
  });

  afterAll(() => portal.close());

  const http = () => portal.http();

  it('serves the page under the strict CSP at /portal and at every deep link a mail may hold', async () => {
    for (const path of [
      '/portal',
      '/portal/',
      '/portal/verify-email',
      '/portal/services/0195f9d2-6a4f-7c3b-9a55-2d7c8a1e4b10/credentials',
      '/portal/orders/0195f9d2-6a4f-7c3b-9a55-2d7c8a1e4b10',
    ]) {
      const response = await http().get(path).expect(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.text).toBe(asset('portal.html'));
      expect(response.headers['content-security-policy']).toBe(PAGE_CSP);
    }
  });

  it('serves the script as the ES module transpiled from portal.ts, and the stylesheet', async () => {
    const script = await http().get('/portal/portal.js').expect(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.text).toBe(await transpilePageModule(asset('portal.ts'), 'portal.ts'));
    expect(script.text).not.toMatch(MODULE_SYSTEM);
    const style = await http().get('/portal/portal.css').expect(200);
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(style.text).toBe(asset('portal.css'));
  });

  it('keeps code out of the markup and markup out of the script; loads its files by absolute path', () => {
    const html = asset('portal.html');
    expectCodeOutOfMarkup(html);
    // Relative URLs would resolve against a deep link's path (/portal/services/<id>/portal.js).
    expect(html).toContain('<script type="module" src="/portal/portal.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/portal/portal.css" />');
    expectMarkupOutOfScript(asset('portal.ts'));
  });
});

describe('portal files', () => {
  it('in a dist/ build are SWC’s compilation of portal.ts: a plain ES module without its source map link', async () => {
    const swcrc = JSON.parse(readFileSync(join(ROOT, '.swcrc'), 'utf8')) as { jsc: Record<string, unknown> };
    // As scripts/build.sh compiles it.
    const compiled = transformFileSync(join(ASSETS, 'portal.ts'), {
      ...swcrc,
      swcrc: false,
      jsc: { ...swcrc.jsc, baseUrl: ROOT },
      sourceMaps: true,
    }).code;
    expect(compiled).not.toMatch(MODULE_SYSTEM);

    const build = mkdtempSync(join(tmpdir(), 'portal-dist-'));
    try {
      for (const name of ['portal.html', 'portal.css']) {
        writeFileSync(join(build, name), asset(name));
      }
      writeFileSync(join(build, 'portal.js'), `${compiled}\n//# sourceMappingURL=portal.js.map`);
      const files = await readPortalFiles([build, ...assetDirectories(import.meta.url)]);
      expect(files?.script).toBe(`${compiled}\n`);
      expect(await readPortalFiles(['/nonexistent'])).toBeUndefined();
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
  });
});

describe(staticPortal.name, () => {
  const files = { html: asset('portal.html'), style: 'css', script: 'js' };

  it('points the page at its base path and at the API, with a CSP of its own that allows that API', () => {
    const site = staticPortal(files, { apiUrl: 'https://api.example.com/', basePath: '/' });
    expect(Object.keys(site).sort()).toEqual(['index.html', 'portal.css', 'portal.js']);
    const html = site['index.html'] ?? '';
    expect(html).toContain('<meta name="portal-base" content="" />');
    expect(html).toContain('<meta name="portal-api" content="https://api.example.com" />');
    expect(html).toContain('<script type="module" src="/portal.js"></script>');
    expect(html).toContain('href="/portal.css"');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(csp).toContain("connect-src 'self' https://api.example.com;");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('frame-ancestors');
  });

  it('keeps the same origin by default and takes a base path', () => {
    const html = staticPortal(files, { apiUrl: '', basePath: '/shop/' })['index.html'] ?? '';
    expect(html).toContain('<meta name="portal-base" content="/shop" />');
    expect(html).toContain('<meta name="portal-api" content="" />');
    expect(html).toContain('src="/shop/portal.js"');
    expect(html).toContain("connect-src 'self';");
  });

  it('refuses values that are no URL or path rather than write them into the page', () => {
    for (const apiUrl of ['api.example.com', 'https://api.example.com/"><script>', 'javascript:alert(1)']) {
      expect(() => staticPortal(files, { apiUrl, basePath: '/' })).toThrow(/API URL/);
    }
    for (const basePath of ['shop', '/a b', '/"x']) {
      expect(() => staticPortal(files, { apiUrl: '', basePath })).toThrow(/base path/);
    }
  });
});
