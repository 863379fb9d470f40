import { Injectable, Logger, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { assetDirectories, type PageBundle, readPage } from '@app/platform';

/** admin.html loads admin.js, which imports the console's other modules (./api.js, ./events.js, …). */
export const VIEWER_FILES = { html: 'admin.html', style: 'admin.css', entry: 'admin' } as const;

@Injectable()
export class ViewerAssetsService implements OnModuleInit {
  private readonly logger = new Logger('AdminViewer');
  private page: PageBundle | undefined;

  async onModuleInit(): Promise<void> {
    const directories = assetDirectories(import.meta.url);
    this.page = await readPage(directories, VIEWER_FILES);
    if (this.page === undefined) {
      // The API works without its page; an image built without the assets should still start.
      this.logger.warn(
        `The admin viewer's files are in none of ${directories.join(', ')}: /admin answers 404`,
      );
    }
  }

  file(name: 'html' | 'style'): string {
    return this.bundle()[name];
  }

  /** One of the page's ES modules by the name the browser asks for (admin.js, events.js, …). */
  module(name: string): string {
    const modules = this.bundle().modules;
    if (!Object.hasOwn(modules, name)) {
      throw new NotFoundException(`The admin viewer has no ${name}`);
    }
    return modules[name] ?? '';
  }

  private bundle(): PageBundle {
    if (this.page === undefined) {
      throw new NotFoundException('The admin viewer is not part of this build');
    }
    return this.page;
  }
}
