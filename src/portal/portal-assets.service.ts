import { Injectable, Logger, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { assetDirectories, readPage } from '@app/platform';

export const PORTAL_FILES = { html: 'portal.html', style: 'portal.css', entry: 'portal' } as const;

export interface PortalFiles {
  html: string;
  style: string;
  /** The browser's ES module. */
  script: string;
}

/** The portal's files (see readPage): portal.ts is one module that imports nothing, so the page is one script. */
export async function readPortalFiles(directories: string[]): Promise<PortalFiles | undefined> {
  const page = await readPage(directories, PORTAL_FILES);
  const script = page?.modules['portal.js'];
  return page && script !== undefined ? { html: page.html, style: page.style, script } : undefined;
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
