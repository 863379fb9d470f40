import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeedFiles } from './cloud-init.config.js';
import { execTool } from './exec-tool.js';

const TOOL_TIMEOUT_MS = 30_000;

/** SHA-512 crypt ($6$, random salt) by openssl, the password passed on stdin: never in argv, never on disk. */
export async function hashPassword(password: string, openssl = 'openssl'): Promise<string> {
  if (/[\r\n]/.test(password) || password.length === 0) {
    // openssl reads one line: anything after a line break would silently not be part of the password.
    throw new Error('a root password must be one non-empty line');
  }
  const hash = (
    await execTool(openssl, ['passwd', '-6', '-stdin'], {
      input: `${password}\n`,
      timeoutMs: TOOL_TIMEOUT_MS,
    })
  ).trim();
  if (!/^\$6\$[^$]+\$[./0-9A-Za-z]+$/.test(hash)) {
    throw new Error('openssl passwd -6 printed no SHA-512 crypt hash');
  }
  return hash;
}

export interface SeedIsoOptions {
  /** Parent of the private working directory (default: the OS temp dir). */
  dir?: string;
  genisoimage?: string;
}

/**
 * Writes the seed's files into a private directory (mkdtemp: 0700), makes the cidata ISO there and hands its path to
 * use; the directory is deleted afterwards whatever happens. Joliet and Rock Ridge keep the long lowercase names.
 */
export async function withSeedIso<T>(
  files: SeedFiles,
  options: SeedIsoOptions,
  use: (iso: { path: string; bytes: number }) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(options.dir ?? tmpdir(), 'pf-seed-'));
  try {
    const names = Object.keys(files) as (keyof SeedFiles)[];
    for (const name of names) {
      await writeFile(join(dir, name), files[name], { mode: 0o600 });
    }
    const path = join(dir, 'seed.iso');
    await execTool(
      options.genisoimage ?? 'genisoimage',
      [
        '-quiet',
        '-output',
        path,
        '-volid',
        'cidata',
        '-joliet',
        '-rock',
        ...names.map((name) => join(dir, name)),
      ],
      { timeoutMs: TOOL_TIMEOUT_MS },
    );
    return await use({ path, bytes: (await stat(path)).size });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
