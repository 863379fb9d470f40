/**
 * Captures what the process writes to stdout and stderr while installed: the JSON log lines of an in-process app
 * (pino writes to process.stdout itself once its write is replaced, see pino's hasBeenTampered) and anything else.
 * JSON lines are kept and swallowed; other output (Jest, the suites' figures) passes through.
 */
export class LogCapture {
  private readonly chunks: string[] = [];
  private readonly originals = {
    stdout: process.stdout.write.bind(process.stdout),
    stderr: process.stderr.write.bind(process.stderr),
  };
  private readonly own = {
    stdout: Object.hasOwn(process.stdout, 'write'),
    stderr: Object.hasOwn(process.stderr, 'write'),
  };
  private installed = false;

  install(): void {
    if (this.installed) {
      return;
    }
    this.installed = true;
    for (const name of ['stdout', 'stderr'] as const) {
      const original = this.originals[name];
      const capture = (chunk: unknown, ...rest: unknown[]): boolean => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
        this.chunks.push(text);
        if (text.trimStart().startsWith('{')) {
          const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
          callback?.();
          return true;
        }
        return (original as (chunk: unknown, ...rest: unknown[]) => boolean)(chunk, ...rest);
      };
      process[name].write = capture;
    }
  }

  uninstall(): void {
    if (!this.installed) {
      return;
    }
    for (const name of ['stdout', 'stderr'] as const) {
      if (this.own[name]) {
        process[name].write = this.originals[name];
      } else {
        // Back to the prototype's write, so a logger made later writes to the file descriptor again.
        Reflect.deleteProperty(process[name], 'write');
      }
    }
    this.installed = false;
  }

  /** Writes past the capture (for the suite's own figures). */
  print(text: string): void {
    this.originals.stdout(text);
  }

  text(): string {
    return this.chunks.join('');
  }

  lines(): string[] {
    return this.text()
      .split('\n')
      .filter((l) => l.trim() !== '');
  }
}
