import { Injectable, Logger, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { assetDirectories, readPageFiles } from '@app/platform';

export const VIEWER_FILES = { html: 'admin.html', script: 'admin.js', style: 'admin.css' } as const;
export type ViewerFile = keyof typeof VIEWER_FILES;

@Injectable()
export class ViewerAssetsService implements OnModuleInit {
  private readonly logger = new Logger('AdminViewer');
  private files: Record<ViewerFile, string> | undefined;

  onModuleInit(): void {
    const directories = assetDirectories(import.meta.url);
    this.files = readPageFiles(directories, VIEWER_FILES);
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
