// Looks at what the libvirt driver left on the real libvirtd (started by scripts/libvirt/libvirt.sh): domains, pool
// volumes, the files inside a seed ISO. Every helper shells out to Debian's virsh / isoinfo without a shell.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const LIBVIRT_URI = process.env.LIBVIRT_URI ?? 'qemu:///system';
export const LIBVIRT_POOL = process.env.LIBVIRT_POOL ?? 'platforma';

/** Runs virsh on LIBVIRT_URI; rejects with virsh's stderr in the message. */
export async function virsh(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('virsh', ['-q', '-c', LIBVIRT_URI, ...args], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`virsh ${args.join(' ')}: ${stderr || String(error)}`, { cause: error });
  }
}

/** Fails with what to run when libvirtd does not answer or the pool is missing. */
export async function requireLibvirt(pool = LIBVIRT_POOL): Promise<void> {
  try {
    await virsh(['pool-info', pool]);
  } catch (error) {
    throw new Error(
      `libvirt at ${LIBVIRT_URI} does not answer or has no pool ${pool}: run ` +
        '`bash scripts/libvirt/libvirt.sh start && bash scripts/libvirt/libvirt.sh prepare` first ' +
        `(${(error as Error).message})`,
    );
  }
}

/** domstate's words (running, shut off, …) or null when no such domain is defined. */
export async function domainState(name: string): Promise<string | null> {
  try {
    return (await virsh(['domstate', name])).trim();
  } catch (error) {
    if ((error as Error).message.includes('failed to get domain')) {
      return null;
    }
    throw error;
  }
}
export const domState = domainState;

export async function domainXml(name: string, inactive = false): Promise<string> {
  return virsh(['dumpxml', ...(inactive ? ['--inactive'] : []), name]);
}

/** A running domain's id (a new one on every start), null when it is not running. */
export async function domainId(name: string): Promise<number | null> {
  const id = (await virsh(['domid', name])).trim();
  return /^\d+$/.test(id) ? Number(id) : null;
}

/** Names of the pool's volumes (after a refresh, so files made behind libvirt's back show too). */
export async function poolVolumes(pool = LIBVIRT_POOL): Promise<string[]> {
  await virsh(['pool-refresh', pool]);
  // virsh 9.0's vol-list has no --name: the name is the first column (-q drops the header).
  return (await virsh(['vol-list', pool]))
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter(Boolean);
}
export const volumes = poolVolumes;

/** The path of the volume's backing file (null when it has none), from vol-dumpxml. */
export async function volumeBacking(pool: string, volume: string): Promise<string | null> {
  const xml = await virsh(['vol-dumpxml', '--pool', pool, volume]);
  return /<backingStore>[\s\S]*?<path>([^<]+)<\/path>/.exec(xml)?.[1] ?? null;
}

export async function volumeCapacity(pool: string, volume: string): Promise<number> {
  const info = await virsh(['vol-info', '--pool', pool, volume, '--bytes']);
  return Number(/^Capacity:\s*(\d+) bytes$/m.exec(info)?.[1]);
}

/**
 * One file of a seed ISO in the pool: vol-download into a private temp dir, then isoinfo (Debian's genisoimage
 * package) reads it by its Joliet name. isoinfo -x prints nothing, and exits 0, for a file that is not there, so
 * the listing is checked first.
 */
export async function readSeedFile(pool: string, volume: string, file: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pf-seed-read-'));
  try {
    const iso = join(dir, 'seed.iso');
    await virsh(['vol-download', '--pool', pool, volume, iso]);
    const listing = (await run('isoinfo', ['-i', iso, '-J', '-f'])).stdout.split('\n');
    if (!listing.includes(`/${file}`)) {
      throw new Error(`${volume} has no ${file} (it has ${listing.filter(Boolean).join(', ')})`);
    }
    return (await run('isoinfo', ['-i', iso, '-J', '-x', `/${file}`])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An empty qcow2 of 64 MiB in the pool, like the base images prepare makes; its path. */
export async function makeBaseImage(pool: string, name: string): Promise<string> {
  await virsh(['vol-create-as', pool, name, '64M', '--format', 'qcow2']);
  return (await virsh(['vol-path', '--pool', pool, name])).trim();
}

/** Writes 64 KiB of byte at the start of a qcow2 volume (qemu-io; the domain using it must be shut off). */
export async function writeDiskPattern(pool: string, volume: string, byte: number): Promise<void> {
  const path = (await virsh(['vol-path', '--pool', pool, volume])).trim();
  await run('qemu-io', ['-f', 'qcow2', '-c', `write -P ${byte} 0 64k`, path]);
}

/** Whether the volume's first 64 KiB are all byte (read-only and sharing the lock, so a running guest is fine). */
export async function hasDiskPattern(pool: string, volume: string, byte: number): Promise<boolean> {
  const path = (await virsh(['vol-path', '--pool', pool, volume])).trim();
  try {
    await run('qemu-io', ['-r', '-U', '-f', 'qcow2', '-c', `read -P ${byte} 0 64k`, path]);
    return true;
  } catch (error) {
    if ((error as { stdout?: string }).stdout?.includes('Pattern verification failed')) {
      return false;
    }
    throw error;
  }
}

export async function deleteVolume(pool: string, volume: string): Promise<void> {
  try {
    await virsh(['vol-delete', '--pool', pool, volume]);
  } catch (error) {
    if (!(error as Error).message.includes('Storage volume not found')) {
      throw error;
    }
  }
}

/** Destroys and undefines every domain, and deletes every volume of the pool, whose name starts with prefix. */
export async function cleanupAll(prefix: string, pool = LIBVIRT_POOL): Promise<void> {
  const domains = (await virsh(['list', '--all', '--name'])).split('\n').map((line) => line.trim());
  for (const domain of domains.filter((name) => name.startsWith(prefix))) {
    if ((await domainState(domain)) !== 'shut off') {
      await virsh(['destroy', domain]).catch(() => undefined);
    }
    await virsh(['undefine', '--nvram', domain]).catch(() => undefined);
  }
  for (const volume of (await poolVolumes(pool)).filter((name) => name.startsWith(prefix))) {
    await deleteVolume(pool, volume);
  }
}
