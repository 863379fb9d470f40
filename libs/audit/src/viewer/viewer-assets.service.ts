import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Injectable, Logger, NotFoundException, type OnModuleInit } from '@nestjs/common';

export const VIEWER_FILES = { html: 'admin.html', script: 'admin.js', style: 'admin.css' } as const;
export type ViewerFile = keyof typeof VIEWER_FILES;

/**
 * Where the page's files may be, best first: beside this module (running from source, as under Jest, or from a
 * dist/ built with `swc --copy-files`), then the source tree a dist/ was compiled from. SWC compiles only scripts
 * into dist/, so without --copy-files the HTML and CSS exist only in the source tree.
 */
export function assetDirectories(moduleUrl: string): string[] {
  const beside = fileURLToPath(new URL('./assets/', moduleUrl));
  const build = `${sep}dist${sep}`;
  const at = beside.lastIndexOf(build);
  return at < 0 ? [beside] : [beside, join(beside.slice(0, at), beside.slice(at + build.length))];
}

/** The first directory holding every file of the page, read whole: the files are small and never change at run time. */
export function readViewerFiles(directories: string[]): Record<ViewerFile, string> | undefined {
  const directory = directories.find((dir) =>
    Object.values(VIEWER_FILES).every((name) => existsSync(join(dir, name))),
  );
  if (directory === undefined) {
    return undefined;
  }
  const read = (file: ViewerFile) => readFileSync(join(directory, VIEWER_FILES[file]), 'utf8');
  return { html: read('html'), script: read('script'), style: read('style') };
}

@Injectable()
export class ViewerAssetsService implements OnModuleInit {
  private readonly logger = new Logger('AdminViewer');
  private files: Record<ViewerFile, string> | undefined;

  onModuleInit(): void {
    const directories = assetDirectories(import.meta.url);
    this.files = readViewerFiles(directories);
    if (this.files === undefined) {
      // The API works without its page; an image built without the assets should still start.
      this.logger.warn(
        `The admin viewer's files are in none of ${directories.join(', ')}: /admin answers 404`,
      );
    }
  }

  file(name: ViewerFile): string {
    if (this.files === undefined) {
      throw new NotFoundException('The admin viewer is not part of this build');
    }
    return this.files[name];
  }
}
