import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { SOURCE_MODULES, type SourceModule } from '@app/contracts';
import { type MessagingSettings, TopicAdminService } from '@app/messaging';
import { freePort, ROOT, waitFor } from '../support/processes.js';

const SECURITY = join(ROOT, 'deploy/kafka-security');
/** Stand-ins for Kafka's bin folder on the Maven jars of scripts/kafka/pom.xml. */
const KAFKA_BIN = join(ROOT, 'scripts/kafka/bin');

/** A random password without characters that the scripts' shell, sed or SCRAM syntax would care about. */
export const newPassword = (): string => randomBytes(18).toString('base64url');

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Runs a command to its end; rejects with its output when it fails. */
function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve(output);
      } else {
        reject(new Error(`${command} ${args.join(' ')} ended with ${signal ?? code}:\n${output}`));
      }
    });
  });
}

/**
 * A second, throwaway Kafka broker configured by deploy/kafka-security exactly as docker-compose.secure.yml runs it:
 * certificates from certs.sh, the broker from broker-start.sh (SASL_SSL with SCRAM-SHA-512, the StandardAuthorizer,
 * no anonymous clients), the catalog's topics from the project's CLI as the admin user, users and ACLs from setup.sh.
 * Everything lives in a temporary folder that stop() deletes.
 */
export class SecureBroker {
  readonly adminPassword = newPassword();
  readonly passwords = Object.fromEntries(SOURCE_MODULES.map((app) => [app, newPassword()])) as Record<
    SourceModule,
    string
  >;
  private readonly keystorePassword = newPassword();
  private readonly truststorePassword = newPassword();
  private dir = '';
  private ca = '';
  private port = 0;
  private process?: ChildProcess;
  private exited?: Promise<string>;
  private output = '';

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  get caFile(): string {
    return join(this.dir, 'secrets', 'ca.crt');
  }

  /** certs.sh, then broker-start.sh on free ports; resolves once the admin user gets an answer over SASL_SSL. */
  async start(timeoutMs: number): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'platforma-kafka-sasl-'));
    this.port = await freePort();
    const controllerPort = await freePort();
    await run(
      'sh',
      [join(SECURITY, 'certs.sh'), join(this.dir, 'secrets')],
      {
        KAFKA_KEYSTORE_PASSWORD: this.keystorePassword,
        KAFKA_TRUSTSTORE_PASSWORD: this.truststorePassword,
        KAFKA_CERT_SAN: 'ip:127.0.0.1,dns:localhost',
      },
      timeoutMs,
    );
    this.ca = await readFile(this.caFile, 'utf8');
    const broker = spawn('sh', [join(SECURITY, 'broker-start.sh')], {
      cwd: ROOT,
      env: {
        ...process.env,
        KAFKA_ADMIN_PASSWORD: this.adminPassword,
        KAFKA_KEYSTORE_PASSWORD: this.keystorePassword,
        KAFKA_TRUSTSTORE_PASSWORD: this.truststorePassword,
        KAFKA_CLUSTER_ID: randomBytes(16).toString('base64url'),
        KAFKA_ADVERTISED_HOST: '127.0.0.1',
        KAFKA_SASL_SSL_PORT: String(this.port),
        KAFKA_CONTROLLER_PORT: String(controllerPort),
        KAFKA_SECRETS_DIR: join(this.dir, 'secrets'),
        KAFKA_LOG_DIRS: join(this.dir, 'data'),
        KAFKA_WORK_DIR: join(this.dir, 'work'),
        KAFKA_BIN,
        LOG_DIR: join(this.dir, 'logs'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = broker;
    broker.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    broker.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) =>
      broker.once('exit', (code, signal) => resolve(`broker-start.sh ended with ${signal ?? code}`)),
    );
    let starting = true;
    const died = this.exited.then(async (how) => {
      if (starting) {
        throw new Error(`${how} while starting:\n${this.output.slice(-3_000)}\n${await this.serverLog(40)}`);
      }
    });
    try {
      await Promise.race([died, this.waitUntilServing(timeoutMs)]);
    } finally {
      starting = false;
    }
  }

  private async waitUntilServing(timeoutMs: number): Promise<void> {
    // The listener first (cheap to poll), then one authenticated round trip.
    await waitFor(
      async () => ((await accepts(this.port)) ? true : undefined),
      'the SASL_SSL listener',
      timeoutMs,
    );
    const admin = new TopicAdminService(this.settings('admin', this.adminPassword, 'readiness'));
    try {
      await waitFor(
        async () => (await admin.ping()).controller ?? undefined,
        'the broker to answer',
        timeoutMs,
      );
    } finally {
      await admin.onModuleDestroy();
    }
  }

  /** The client settings of a Kafka user over SASL_SSL, trusting the development CA. */
  settings(username: string, password: string, client: string, topicPrefix = ''): MessagingSettings {
    return {
      brokers: [this.bootstrap],
      clientId: `platforma.test.kafka-sasl.${client}`,
      topicPrefix,
      partitions: 1,
      replicationFactor: 1,
      partitionsConcurrency: 1,
      ssl: { ca: [this.ca] },
      sasl: { mechanism: 'scram-sha-512', username, password },
    };
  }

  /** What an app's environment says to reach this broker as `username` (see docker-compose.secure.yml). */
  clientEnv(username: string, password: string): Record<string, string> {
    return {
      KAFKA_BROKERS: this.bootstrap,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: this.caFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: username,
      KAFKA_SASL_PASSWORD: password,
    };
  }

  appEnv(app: SourceModule): Record<string, string> {
    return this.clientEnv(`platforma-${app}`, this.passwords[app]);
  }

  /** `node dist/src/cli/topics.cli.js` as the admin user: the apps' users may not create topics. */
  async createTopics(prefix: string, partitions: number, timeoutMs: number): Promise<string> {
    const output = await run(
      process.execPath,
      ['dist/src/cli/topics.cli.js'],
      {
        ...this.clientEnv('admin', this.adminPassword),
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_TOPIC_PARTITIONS: String(partitions),
        LOG_LEVEL: 'warn',
      },
      timeoutMs,
    );
    return /created \d+, existing \d+/.exec(output)?.[0] ?? output;
  }

  /** setup.sh: a SCRAM user per app and the ACLs of acls.txt under the prefix, as the admin user. */
  async setup(prefix: string, timeoutMs: number): Promise<string> {
    const passwords = Object.fromEntries(
      SOURCE_MODULES.map((app) => [`PLATFORMA_${app.toUpperCase()}_KAFKA_PASSWORD`, this.passwords[app]]),
    );
    const output = await run(
      'sh',
      [join(SECURITY, 'setup.sh')],
      {
        ...passwords,
        BOOTSTRAP: this.bootstrap,
        KAFKA_ADMIN_PASSWORD: this.adminPassword,
        KAFKA_TRUSTSTORE_PASSWORD: this.truststorePassword,
        KAFKA_SECRETS_DIR: join(this.dir, 'secrets'),
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_BIN,
        LOG_DIR: join(this.dir, 'logs'),
        SETUP_JOBS: '4',
      },
      timeoutMs,
    );
    const [, acls, calls] = /(\d+) ACLs from .* in (\d+) calls/.exec(output) ?? [];
    return `${acls} ACLs in ${calls} calls`;
  }

  /** kafka-acls.sh as the admin user: grants or revokes one user's operation on one literal topic. */
  async acl(
    action: 'add' | 'remove',
    user: string,
    operation: string,
    topic: string,
    timeoutMs = 60_000,
  ): Promise<void> {
    const config = join(this.dir, 'admin-acl.properties');
    await run(
      'sh',
      [join(SECURITY, 'admin-config.sh'), config],
      {
        KAFKA_ADMIN_PASSWORD: this.adminPassword,
        KAFKA_TRUSTSTORE_PASSWORD: this.truststorePassword,
        KAFKA_TRUSTSTORE: join(this.dir, 'secrets', 'kafka.truststore.p12'),
      },
      timeoutMs,
    );
    await run(
      join(KAFKA_BIN, 'kafka-acls.sh'),
      [
        '--bootstrap-server',
        this.bootstrap,
        '--command-config',
        config,
        `--${action}`,
        ...(action === 'remove' ? ['--force'] : []),
        '--allow-principal',
        `User:${user}`,
        '--operation',
        operation,
        '--topic',
        topic,
      ],
      { LOG_DIR: join(this.dir, 'logs') },
      timeoutMs,
    );
  }

  async serverLog(lines?: number): Promise<string> {
    const text = await readFile(join(this.dir, 'logs', 'server.log'), 'utf8').catch(() => '');
    return lines === undefined ? text : text.split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM (a clean shutdown), SIGKILL after 20 s, then the temporary folder goes. */
  async stop(): Promise<void> {
    const broker = this.process;
    if (broker && broker.exitCode === null && broker.signalCode === null) {
      broker.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 20_000)));
      if ((await Promise.race([this.exited, late])) === 'late') {
        broker.kill('SIGKILL');
        await this.exited;
      }
      clearTimeout(timer);
    }
    if (this.dir !== '') {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}

interface LogLine {
  level: string;
  context: string;
  message: string;
}

/** Nest's logger for the suite's own Kafka clients: kafkajs reports a refusal's cause here (see kafka.factory.ts). */
export class RecordingLogger implements LoggerService {
  readonly lines: LogLine[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.add('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.add('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.add('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.add('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.add('verbose', message, rest);
  }

  /** Lines of a logger context (exact, or all kafkajs ones with 'kafkajs:') that contain every part. */
  find(context: string, ...parts: string[]): LogLine[] {
    return this.lines.filter(
      (l) =>
        (l.context === context || (context.endsWith(':') && l.context.startsWith(context))) &&
        parts.every((p) => l.message.includes(p)),
    );
  }

  private add(level: string, message: unknown, rest: unknown[]): void {
    const context = rest.at(-1);
    this.lines.push({
      level,
      context: typeof context === 'string' ? context : '',
      message: typeof message === 'string' ? message : JSON.stringify(message),
    });
  }
}
