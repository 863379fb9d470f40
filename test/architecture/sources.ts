import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, for the architecture specs that read its sources. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every shipped TypeScript file of libs, src and apps (no specs, no browser assets), relative to the root. */
export function shippedSources(): string[] {
  return ['libs', 'src', 'apps'].flatMap((top) =>
    readdirSync(join(root, top), { recursive: true, encoding: 'utf8' })
      .map((path) => `${top}/${path}`)
      .filter((path) => path.endsWith('.ts') && !/\.(?:spec|integration-spec|e2e-spec)\.ts$/.test(path))
      .filter((path) => !path.includes('/assets/') && !path.includes('node_modules')),
  );
}
