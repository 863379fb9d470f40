import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execTool, ToolError } from './exec-tool.js';

/**
 * What went wrong in a virsh call, read from its stderr (virsh exits 1 for everything). absent: the domain or
 * volume named does not exist; unreachable: no connection to the node's libvirtd (temporary, the caller retries).
 */
export type VirshFailure = 'absent' | 'unreachable' | 'failed';

const ABSENT = /failed to get domain|Domain not found|Storage volume not found/;
const UNREACHABLE =
  /failed to connect to the hypervisor|Failed to connect socket|Cannot recv data|Cannot write data|End of file while reading data|client socket is closed|Connection reset|no connection driver available/i;

export class VirshError extends ToolError {
  readonly failure: VirshFailure;

  constructor(error: ToolError) {
    super(error.file, error.args, error.stderr, error.cause);
    this.failure =
      UNREACHABLE.test(error.stderr) || !error.stderr.trim()
        ? 'unreachable'
        : ABSENT.test(error.stderr)
          ? 'absent'
          : 'failed';
  }

  /** True when stderr says so: the exact wording of one expected refusal (e.g. "Domain is already active"). */
  says(text: string): boolean {
    return this.stderr.includes(text);
  }
}

export interface VirshClientOptions {
  /** The virsh binary (default: virsh on PATH). */
  binary?: string;
  /** Per call; a remote node that stops answering must not hang a build tick (default 60 s). */
  timeoutMs?: number;
}

/**
 * Debian's virsh, one process per call, without a shell. Every method names its node by connection URI. Reads
 * answer null for an absent object; writes that race with an identical write (start of a running domain, destroy
 * of a stopped one) succeed.
 */
export class VirshClient {
  private readonly binary: string;
  private readonly timeoutMs: number;

  constructor(options: VirshClientOptions = {}) {
    this.binary = options.binary ?? 'virsh';
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async run(uri: string, args: readonly string[]): Promise<string> {
    try {
      return await execTool(this.binary, ['-q', '-c', uri, ...args], { timeoutMs: this.timeoutMs });
    } catch (error) {
      throw error instanceof ToolError ? new VirshError(error) : error;
    }
  }

  /**
   * Runs a command that reads an XML document from a file: a private temp file, since virsh cannot open
   * /dev/stdin when Node hands it a socket (ENXIO). The documents hold no secrets.
   */
  private async runWithXml(
    uri: string,
    args: (file: string) => readonly string[],
    xml: string,
  ): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'pf-virsh-'));
    try {
      const file = join(dir, 'document.xml');
      await writeFile(file, xml, { mode: 0o600 });
      return await this.run(uri, args(file));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Runs a read; null when virsh says the object is absent. */
  private async read(uri: string, args: readonly string[]): Promise<string | null> {
    try {
      return await this.run(uri, args);
    } catch (error) {
      if (error instanceof VirshError && error.failure === 'absent') {
        return null;
      }
      throw error;
    }
  }

  /** Whether the node's QEMU can run kvm domains (libvirt checks /dev/kvm on the node). */
  async supportsKvm(uri: string): Promise<boolean> {
    try {
      await this.run(uri, ['domcapabilities', '--virttype', 'kvm']);
      return true;
    } catch (error) {
      if (error instanceof VirshError && error.failure === 'failed') {
        return false;
      }
      throw error;
    }
  }

  async volumePath(uri: string, pool: string, volume: string): Promise<string | null> {
    return (await this.read(uri, ['vol-path', '--pool', pool, volume]))?.trim() ?? null;
  }

  async volumeCapacity(uri: string, pool: string, volume: string): Promise<number | null> {
    const info = await this.read(uri, ['vol-info', '--pool', pool, volume, '--bytes']);
    const capacity = info && /^Capacity:\s*(\d+) bytes$/m.exec(info);
    if (info === null) {
      return null;
    }
    if (!capacity) {
      throw new Error(`vol-info of ${volume} has no capacity: ${info}`);
    }
    return Number(capacity[1]);
  }

  /** false when it exists already. */
  async createVolume(uri: string, pool: string, xml: string): Promise<boolean> {
    return this.unlessExists(this.runWithXml(uri, (file) => ['vol-create', pool, file], xml));
  }

  async createRawVolume(uri: string, pool: string, volume: string, bytes: number): Promise<boolean> {
    return this.unlessExists(
      this.run(uri, ['vol-create-as', pool, volume, String(bytes), '--format', 'raw']),
    );
  }

  /** Streams a local file into the volume through the connection, so it works for a remote node too. */
  async uploadVolume(uri: string, pool: string, volume: string, file: string): Promise<void> {
    await this.run(uri, ['vol-upload', '--pool', pool, volume, file]);
  }

  async cloneVolume(uri: string, pool: string, from: string, to: string): Promise<boolean> {
    return this.unlessExists(this.run(uri, ['vol-clone', '--pool', pool, from, to]));
  }

  async resizeVolume(uri: string, pool: string, volume: string, bytes: number): Promise<void> {
    await this.run(uri, ['vol-resize', '--pool', pool, volume, String(bytes)]);
  }

  /** false when there was nothing to delete. */
  async deleteVolume(uri: string, pool: string, volume: string): Promise<boolean> {
    return (await this.read(uri, ['vol-delete', '--pool', pool, volume])) !== null;
  }

  /** domstate's words (running, shut off, paused, …) or null when no such domain is defined. */
  async domainState(uri: string, domain: string): Promise<string | null> {
    return (await this.read(uri, ['domstate', domain]))?.trim() ?? null;
  }

  /** Libvirt's numeric id of a running domain; a new one on every start. */
  async domainId(uri: string, domain: string): Promise<number | null> {
    const id = (await this.read(uri, ['domid', domain]))?.trim();
    return id && /^\d+$/.test(id) ? Number(id) : null;
  }

  async domainXml(uri: string, domain: string, inactive: boolean): Promise<string | null> {
    return this.read(uri, ['dumpxml', ...(inactive ? ['--inactive'] : []), domain]);
  }

  /** Defines (or, for the same name and uuid, redefines) a domain, its XML checked against libvirt's schema. */
  async define(uri: string, xml: string): Promise<void> {
    await this.runWithXml(uri, (file) => ['define', file, '--validate'], xml);
  }

  async start(uri: string, domain: string): Promise<void> {
    await this.tolerating(this.run(uri, ['start', domain]), 'Domain is already active');
  }

  /** Hard stop (pulls the plug). */
  async destroy(uri: string, domain: string): Promise<void> {
    await this.tolerating(this.run(uri, ['destroy', domain]), 'domain is not running');
  }

  /** Hardware reset: unlike reboot it needs no cooperation from the guest. */
  async reset(uri: string, domain: string): Promise<void> {
    await this.run(uri, ['reset', domain]);
  }

  async undefine(uri: string, domain: string): Promise<boolean> {
    return (await this.read(uri, ['undefine', '--nvram', domain])) !== null;
  }

  async setAutostart(uri: string, domain: string, enabled: boolean): Promise<void> {
    await this.run(uri, ['autostart', ...(enabled ? [] : ['--disable']), domain]);
  }

  /** Ejects from the persistent definition and, when running, from the live guest; false when the tray was empty. */
  async ejectMedia(uri: string, domain: string, target: string, running: boolean): Promise<boolean> {
    const args = [
      'change-media',
      domain,
      target,
      '--eject',
      '--force',
      '--config',
      ...(running ? ['--live'] : []),
    ];
    try {
      await this.run(uri, args);
      return true;
    } catch (error) {
      if (error instanceof VirshError && error.says("doesn't have media")) {
        return false;
      }
      throw error;
    }
  }

  /** Inserts into the persistent definition only: the guest sees it from its next start. */
  async insertMedia(uri: string, domain: string, target: string, path: string): Promise<void> {
    await this.run(uri, ['change-media', domain, target, path, '--insert', '--config']);
  }

  /** The next start's vCPUs: the maximum first (lowering it lowers the current count too), then the count. */
  async setVcpus(uri: string, domain: string, vcpus: number): Promise<void> {
    await this.run(uri, ['setvcpus', domain, String(vcpus), '--config', '--maximum']);
    await this.run(uri, ['setvcpus', domain, String(vcpus), '--config']);
  }

  /** The next start's memory: the maximum first (lowering it lowers the current size too), then the size. */
  async setMemory(uri: string, domain: string, memoryMb: number): Promise<void> {
    await this.run(uri, ['setmaxmem', domain, `${memoryMb}MiB`, '--config']);
    await this.run(uri, ['setmem', domain, `${memoryMb}MiB`, '--config']);
  }

  /** Grows a running domain's disk in place (vol-resize cannot: QEMU holds the image's write lock). */
  async blockResize(uri: string, domain: string, target: string, bytes: number): Promise<void> {
    await this.run(uri, ['blockresize', domain, target, `${bytes}B`]);
  }

  private async unlessExists(call: Promise<unknown>): Promise<boolean> {
    try {
      await call;
      return true;
    } catch (error) {
      if (error instanceof VirshError && error.says('exists already')) {
        return false;
      }
      throw error;
    }
  }

  private async tolerating(call: Promise<unknown>, refusal: string): Promise<void> {
    try {
      await call;
    } catch (error) {
      if (!(error instanceof VirshError && error.says(refusal))) {
        throw error;
      }
    }
  }
}
