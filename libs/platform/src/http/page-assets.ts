import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyDecorators, Header } from '@nestjs/common';

/**
 * The policy of the pages the apps serve themselves (the admin viewer, the customer portal), stricter than helmet's
 * default: only this origin's script and stylesheet, no inline code or styles, data only from this origin's API,
 * never framed. No upgrade-insecure-requests, so a page also works over plain-HTTP loopback.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Where a page's files may be, best first: beside the module at `moduleUrl` (running from source, as under Jest, or
 * from a dist/ built with `swc --copy-files`), then the source tree a dist/ was compiled from. SWC compiles only
 * scripts into dist/, so without --copy-files the HTML and CSS exist only in the source tree.
 */
export function assetDirectories(moduleUrl: string): string[] {
  const beside = fileURLToPath(new URL('./assets/', moduleUrl));
  const build = `${sep}dist${sep}`;
  const at = beside.lastIndexOf(build);
  return at < 0 ? [beside] : [beside, join(beside.slice(0, at), beside.slice(at + build.length))];
}

/**
 * The first directory holding every one of a page's files, each read whole (they are small and never change at run
 * time); undefined when no directory holds them all.
 */
export function readPageFiles<K extends string>(
  directories: string[],
  files: Record<K, string>,
): Record<K, string> | undefined {
  const names = Object.entries(files) as [K, string][];
  const directory = directories.find((dir) => names.every(([, name]) => existsSync(join(dir, name))));
  if (directory === undefined) {
    return undefined;
  }
  return Object.fromEntries(
    names.map(([key, name]) => [key, readFileSync(join(directory, name), 'utf8')]),
  ) as Record<K, string>;
}

const CONTENT_TYPES = {
  html: 'text/html; charset=utf-8',
  script: 'text/javascript; charset=utf-8',
  style: 'text/css; charset=utf-8',
} as const;

/**
 * The headers of a page the app serves itself, or of one of its files: its type, revalidation on every load (a
 * deploy changes them) and, on the page, PAGE_CSP in place of helmet's default.
 */
export function ServesPageFile(kind: keyof typeof CONTENT_TYPES): MethodDecorator {
  const policy = kind === 'html' ? [Header('Content-Security-Policy', PAGE_CSP)] : [];
  return applyDecorators(
    Header('Content-Type', CONTENT_TYPES[kind]),
    Header('Cache-Control', 'no-cache'),
    ...policy,
  );
}
