import { Injectable, Logger, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { assetDirectories, readPageFiles } from '@app/platform';

export const PORTAL_FILES = { html: 'portal.html', style: 'portal.css' } as const;

export interface PortalFiles {
  html: string;
  style: string;
  /** The browser's ES module. */
  script: string;
}

/**
 * The portal's files from the first directory holding them all: in a dist/ build the script SWC compiled from
 * portal.ts; in the source tree (Jest, a checkout) portal.ts itself, transpiled here once.
 */
export async function readPortalFiles(directories: string[]): Promise<PortalFiles | undefined> {
  const built = readPageFiles(directories, { ...PORTAL_FILES, script: 'portal.js' });
  if (built) {
    return { ...built, script: withoutSourceMap(built.script) };
  }
  const source = readPageFiles(directories, { ...PORTAL_FILES, source: 'portal.ts' });
  return source && { html: source.html, style: source.style, script: await transpilePortal(source.source) };
}

/**
 * Types stripped, nothing else: portal.ts imports nothing, so the output is the plain ES module the page loads.
 * TypeScript is a development dependency, reached only from a source tree: a dist/ build has portal.js.
 */
export async function transpilePortal(source: string): Promise<string> {
  const { default: ts } = await import('typescript');
  return ts.transpileModule(source, {
    fileName: 'portal.ts',
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, sourceMap: false },
  }).outputText;
}

/** SWC's build links a source map the server does not serve. */
function withoutSourceMap(script: string): string {
  return script.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

@Injectable()
export class PortalAssetsService implements OnModuleInit {
  private readonly logger = new Logger('Portal');
  private files: PortalFiles | undefined;

  async onModuleInit(): Promise<void> {
    const directories = assetDirectories(import.meta.url);
    this.files = await readPortalFiles(directories);
    if (this.files === undefined) {
      // The API works without its example portal; an image built without the assets should still start.
      this.logger.warn(`The portal's files are in none of ${directories.join(', ')}: /portal answers 404`);
    }
  }

  file(name: keyof PortalFiles): string {
    if (this.files === undefined) {
      throw new NotFoundException('The portal is not part of this build');
    }
    return this.files[name];
  }
}
