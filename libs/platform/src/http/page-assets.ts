import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** The first directory holding every one of the files. */
function directoryHolding(directories: string[], names: string[]): string | undefined {
  return directories.find((dir) => names.every((name) => existsSync(join(dir, name))));
}

/** A page the app serves: its markup, its stylesheet and its ES modules by the name the browser asks for (admin.js). */
export interface PageBundle {
  html: string;
  style: string;
  modules: Record<string, string>;
}

/**
 * A page whose script is TypeScript: `entry`.ts beside the HTML and CSS, importing its sibling modules (./name.js).
 * From the first directory holding a build (every .js SWC compiled there, as scripts/build.sh does for dist/), else
 * from the first holding the sources (Jest, a checkout), each module transpiled here once. Type-only imports of
 * server code are erased either way, so the browser gets the page's own modules and nothing else.
 */
export async function readPage(
  directories: string[],
  files: { html: string; style: string; entry: string },
): Promise<PageBundle | undefined> {
  const page = [files.html, files.style];
  const built = directoryHolding(directories, [...page, `${files.entry}.js`]);
  const source =
    built === undefined ? directoryHolding(directories, [...page, `${files.entry}.ts`]) : undefined;
  const dir = built ?? source;
  if (dir === undefined) {
    return undefined;
  }
  const modules: Record<string, string> = {};
  for (const name of moduleFiles(dir, built ? '.js' : '.ts')) {
    const code = readFileSync(join(dir, name), 'utf8');
    modules[name.replace(/\.ts$/, '.js')] = built
      ? withoutSourceMap(code)
      : await transpilePageModule(code, name);
  }
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { html: read(files.html), style: read(files.style), modules };
}

/** The page's modules in a directory: its scripts, not their tests or declarations. */
function moduleFiles(dir: string, extension: '.js' | '.ts'): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(extension) && /^[\w-]+$/.test(name.slice(0, -extension.length)))
    .sort();
}

/**
 * Types stripped, nothing else: the plain ES module the page loads. TypeScript is a development dependency, reached
 * only from a source tree: a dist/ build has the modules SWC compiled.
 */
export async function transpilePageModule(source: string, fileName: string): Promise<string> {
  const { default: ts } = await import('typescript');
  return ts.transpileModule(source, {
    fileName,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, sourceMap: false },
  }).outputText;
}

/** SWC's build links a source map the server does not serve. */
function withoutSourceMap(script: string): string {
  return script.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
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
