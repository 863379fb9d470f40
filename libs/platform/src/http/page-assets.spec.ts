import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetDirectories, readPage } from './page-assets.js';

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

describe(readPage.name, () => {
  let root: string;
  const page = { html: 'a.html', style: 'a.css', entry: 'a' };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'page-assets-'));
    const dirs: Record<string, Record<string, string>> = {
      partial: { 'a.html': '<p>', 'a.js': 'partial' },
      source: {
        'a.html': '<p>source</p>',
        'a.css': 'p {}',
        'a.ts': "import { b } from './b.js';\nconst n: number = b;\nexport {};\n",
        'b.ts': 'export const b: number = 1;\n',
        'tsconfig.json': '{}',
      },
      build: {
        'a.html': '<p>build</p>',
        'a.css': 'p {}',
        'a.js': 'import "./b.js";\n//# sourceMappingURL=a.js.map',
        'a.js.map': '{}',
        'b.js': 'export const b = 1;\n',
      },
    };
    for (const [dir, files] of Object.entries(dirs)) {
      mkdirSync(join(root, dir));
      Object.entries(files).forEach(([name, content]) => writeFileSync(join(root, dir, name), content));
    }
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const at = (...dirs: string[]) => ['/nonexistent', ...dirs].map((dir) => join(root, dir));

  it('prefers a build in any directory to the sources: its modules without their source map links', async () => {
    expect(await readPage(at('partial', 'source', 'build'), page)).toEqual({
      html: '<p>build</p>',
      style: 'p {}',
      modules: { 'a.js': 'import "./b.js";\n', 'b.js': 'export const b = 1;\n' },
    });
  });

  it('transpiles the sources when there is no build: types gone, imports of sibling modules kept', async () => {
    const source = await readPage(at('partial', 'source'), page);
    expect(Object.keys(source?.modules ?? {})).toEqual(['a.js', 'b.js']);
    expect(source?.modules['a.js']).toContain("import { b } from './b.js';");
    expect(source?.modules['a.js']).toContain('const n = b;');
    expect(source?.html).toBe('<p>source</p>');
  });

  it('gives up when no directory holds the whole page', async () => {
    expect(await readPage(at('partial'), page)).toBeUndefined();
  });
});
