import { Logger } from '@nestjs/common';
import pg from 'pg';

/** `payload`: the NOTIFY's; undefined when the session was (re)established and anything may have changed meanwhile. */
type Wake = (payload?: string) => void;

const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5_000;
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * One LISTEN session per process and database for every channel its parts wait on (the outbox relays, the build
 * poller). PostgreSQL signals every backend that listens in a database on each NOTIFY, whatever the channel, and
 * each wakes to read the queue: ten listening sessions in one process cost ten wake-ups per commit that wrote an
 * outbox, one session costs one.
 *
 * A notification says "look now"; the subscribers poll anyway, so one lost while the session is away only waits for
 * the next poll. Each subscriber is also woken when the session is (re)established.
 */
export class NotificationListener {
  private static readonly shared = new Map<string, NotificationListener>();

  /** The process's listener for a database; its session opens with the first subscriber and closes with the last. */
  static of(connectionString: string): NotificationListener {
    let listener = NotificationListener.shared.get(connectionString);
    if (!listener) {
      listener = new NotificationListener(connectionString);
      NotificationListener.shared.set(connectionString, listener);
    }
    return listener;
  }

  private readonly logger = new Logger(NotificationListener.name);
  private readonly wakes = new Map<string, Set<Wake>>();
  /** Channels the open session listens on. */
  private readonly listened = new Set<string>();
  private client?: pg.Client;
  /** LISTEN/UNLISTEN and connects, one at a time. */
  private queue: Promise<void> = Promise.resolve();
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectMs = RECONNECT_FIRST_MS;

  private constructor(private readonly connectionString: string) {}

  /**
   * Calls `wake` with the payload on every NOTIFY of `channel`, in commit order, and without one when the session
   * comes back; the result unsubscribes.
   */
  subscribe(channel: string, wake: Wake): () => Promise<void> {
    if (!CHANNEL.test(channel)) {
      throw new Error(`not a channel name: ${channel}`);
    }
    const wakes = this.wakes.get(channel) ?? new Set<Wake>();
    wakes.add(wake);
    this.wakes.set(channel, wakes);
    this.sync();
    let subscribed = true;
    return () => {
      if (subscribed) {
        subscribed = false;
        wakes.delete(wake);
        if (wakes.size === 0) {
          this.wakes.delete(channel);
        }
        this.sync();
      }
      return this.queue;
    };
  }

  /** Whether the session is open and listens on the channel. */
  listens(channel: string): boolean {
    return this.client !== undefined && this.listened.has(channel);
  }

  /** Brings the session in line with the subscriptions: open, LISTEN, UNLISTEN, or closed once none is left. */
  private sync(): void {
    this.queue = this.queue.then(() => this.apply()).catch((error: unknown) => this.lost(error));
  }

  private async apply(): Promise<void> {
    if (this.wakes.size === 0) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      await this.close();
      return;
    }
    if (!this.client) {
      if (this.reconnectTimer) {
        return; // the timer opens the session
      }
      await this.open();
    }
    const client = this.client;
    if (!client) {
      return;
    }
    const listen = [...this.wakes.keys()].filter((c) => !this.listened.has(c));
    const unlisten = [...this.listened].filter((c) => !this.wakes.has(c));
    if (listen.length + unlisten.length > 0) {
      // Simple-query protocol: one round trip for all of them.
      await client.query(
        [...listen.map((c) => `LISTEN ${c}`), ...unlisten.map((c) => `UNLISTEN ${c}`)].join('; '),
      );
      listen.forEach((c) => this.listened.add(c));
      unlisten.forEach((c) => this.listened.delete(c));
      // What was committed before this session listened was never announced to it.
      listen.forEach((c) => this.wakeAll(c));
    }
  }

  private async open(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: 'platforma-listen',
    });
    client.on('notification', (message) => this.wakeAll(message.channel, message.payload ?? ''));
    client.on('error', (error) => {
      if (this.client === client) {
        this.logger.warn(`LISTEN session lost: ${error.message}`);
        this.drop(client);
      }
    });
    client.on('end', () => {
      if (this.client === client) {
        this.logger.warn('LISTEN session ended');
        this.drop(client);
      }
    });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    this.reconnectMs = RECONNECT_FIRST_MS;
  }

  private async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.listened.clear();
    await client?.end().catch(() => undefined);
  }

  private lost(error: unknown): void {
    this.logger.warn(`cannot LISTEN, polling only meanwhile: ${(error as Error).message}`);
    const client = this.client;
    if (client) {
      this.drop(client);
    } else {
      this.retry();
    }
  }

  /** The session is gone: subscribers poll meanwhile and are woken when it is back. */
  private drop(client: pg.Client): void {
    this.client = undefined;
    this.listened.clear();
    void client.end().catch(() => undefined);
    this.retry();
  }

  private retry(): void {
    if (this.wakes.size === 0 || this.reconnectTimer) {
      return;
    }
    const delay = this.reconnectMs;
    this.reconnectMs = Math.min(this.reconnectMs * 2, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.sync();
    }, delay);
    this.reconnectTimer.unref();
  }

  private wakeAll(channel: string, payload?: string): void {
    for (const wake of this.wakes.get(channel) ?? []) {
      wake(payload);
    }
  }
}
