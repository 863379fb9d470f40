import { execFile } from 'node:child_process';

/** A command-line tool that exited non-zero (or could not run); stderr carries its reason. */
export class ToolError extends Error {
  constructor(
    readonly file: string,
    readonly args: readonly string[],
    readonly stderr: string,
    cause: unknown,
  ) {
    super(
      `${file} ${args.join(' ')}: ${stderr.trim() || (cause instanceof Error ? cause.message : String(cause))}`,
      {
        cause,
      },
    );
  }
}

export interface ToolOptions {
  /** Written to the tool's stdin (and stdin closed); secrets go this way, never into argv or a file. */
  input?: string;
  timeoutMs: number;
}

/** Runs a tool without a shell and resolves with its stdout. */
export function execTool(file: string, args: readonly string[], options: ToolOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        timeout: options.timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(new ToolError(file, args, stderr, error));
        } else {
          resolve(stdout);
        }
      },
    );
    // An EPIPE when the tool exits without reading stdin surfaces through the exit callback above.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}
