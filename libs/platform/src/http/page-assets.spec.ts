import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetDirectories, readPageFiles } from './page-assets.js';

describe(assetDirectories.name, () => {
  it('looks beside the module, then in the source tree a dist/ build came from', () => {
    expect(assetDirectories('file:///repo/libs/audit/src/viewer/viewer-assets.service.ts')).toEqual([
      '/repo/libs/audit/src/viewer/assets/',
    ]);
    expect(assetDirectories('file:///repo/dist/libs/audit/src/viewer/viewer-assets.service.js')).toEqual([
      '/repo/dist/libs/audit/src/viewer/assets/',
      '/repo/libs/audit/src/viewer/assets/',
    ]);
  });
});

describe(readPageFiles.name, () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'page-assets-'));
    for (const [dir, files] of Object.entries({ partial: ['a.html'], whole: ['a.html', 'a.js'] })) {
      mkdirSync(join(root, dir));
      files.forEach((file) => writeFileSync(join(root, dir, file), `${dir}/${file}`));
    }
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads every file from the first directory holding them all', () => {
    const dirs = ['/nonexistent', 'partial', 'whole'].map((dir) => join(root, dir));
    expect(readPageFiles(dirs, { html: 'a.html', script: 'a.js' })).toEqual({
      html: 'whole/a.html',
      script: 'whole/a.js',
    });
  });

  it('gives up when no directory holds them all', () => {
    expect(readPageFiles([join(root, 'partial')], { html: 'a.html', script: 'a.js' })).toBeUndefined();
  });
});
