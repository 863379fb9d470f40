import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_CSP } from '@app/platform';
import type { PortalFiles } from './portal-assets.service.js';

export interface StaticPortalOptions {
  /** Where the API is, e.g. https://api.example.com; empty: the origin serving the files. */
  apiUrl: string;
  /** The path the files are served under, e.g. / or /portal; STOREFRONT_URL is the host followed by it. */
  basePath: string;
}

/** The portal as static files for a host of the provider's choosing: index.html, portal.js and portal.css. */
export function staticPortal(files: PortalFiles, options: StaticPortalOptions): Record<string, string> {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const basePath = options.basePath.replace(/\/+$/, '');
  if (apiUrl !== '' && !/^https?:\/\/[^\s"'<>?#]+$/.test(apiUrl)) {
    throw new Error(`the API URL must be an http(s) URL without query or fragment, not ${options.apiUrl}`);
  }
  if (!/^(\/[\w.~-]+)*$/.test(basePath)) {
    throw new Error(`the base path must be a path such as / or /portal, not ${options.basePath}`);
  }
  // The host's own headers may set no policy: the page brings one. frame-ancestors has no effect in a <meta>.
  const csp = PAGE_CSP.split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .map((directive) =>
      directive.startsWith('connect-src') && apiUrl !== ''
        ? `${directive} ${new URL(apiUrl).origin}`
        : directive,
    )
    .join('; ');
  const html = [
    [
      '<meta charset="utf-8" />',
      `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`,
    ],
    ['<meta name="portal-base" content="/portal" />', `<meta name="portal-base" content="${basePath}" />`],
    ['<meta name="portal-api" content="" />', `<meta name="portal-api" content="${apiUrl}" />`],
    ['href="/portal/portal.css"', `href="${basePath}/portal.css"`],
    ['src="/portal/portal.js"', `src="${basePath}/portal.js"`],
  ].reduce((page, [served, built]) => {
    if (page.split(served).length !== 2) {
      throw new Error(`portal.html should hold ${served} once`);
    }
    return page.replace(served, built);
  }, files.html);
  return { 'index.html': html, 'portal.js': files.script, 'portal.css': files.style };
}

export function writeStaticPortal(out: string, files: PortalFiles, options: StaticPortalOptions): string[] {
  mkdirSync(out, { recursive: true });
  return Object.entries(staticPortal(files, options)).map(([name, content]) => {
    writeFileSync(join(out, name), content);
    return join(out, name);
  });
}
