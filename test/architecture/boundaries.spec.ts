import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_MODULES } from '@app/contracts';

const DOMAINS: readonly string[] = SOURCE_MODULES;
const libs = fileURLToPath(new URL('../../libs', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// Domains know each other only through @app/contracts events: a domain lib importing another is a defect.
describe('module boundaries', () => {
  it.each(DOMAINS)('%s imports no other domain lib and no kafkajs', (domain) => {
    const offending = sources(join(libs, domain, 'src')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1] ?? '');
      return imports
        .filter(
          (i) =>
            DOMAINS.some((d) => d !== domain && i === `@app/${d}`) || i === 'kafkajs' || i.includes('../../'),
        )
        .map((i) => `${file}: ${i}`);
    });
    expect(offending).toEqual([]);
  });

  it('finds the domain libs it checks', () => {
    expect(DOMAINS.every((d) => sources(join(libs, d, 'src')).length > 0)).toBe(true);
  });
});
