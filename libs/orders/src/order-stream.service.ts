import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig, type Principal } from '@app/platform';
import type { OrderStep } from './entities/order-step.entity.js';
import { OrderRepository } from './order.repository.js';
import { isTerminal } from './order.state.js';
import { OrdersErrorCode, OrdersException } from './orders.exception.js';

/**
 * How often open streams look for new lines of their orders' histories (one query for all of them). A line this
 * process commits wakes them at once (wake()); the poll finds the lines other instances write.
 */
const POLL_MS = 250;
/**
 * Lines read per order and poll: an order's own history is a few dozen, its service's actions add more over the
 * years. A full batch is followed by another before the stream may end.
 */
const LINES_PER_ORDER = 100;
/** What a client waits before reconnecting after the connection dropped (the SSE `retry` field). */
const RETRY_MS = 2_000;

interface Watcher {
  tenantId: string;
  orderId: string;
  /** Id of the last line sent. */
  after: string;
  /** `complete`: no line of the order after these exists (the read was not cut at LINES_PER_ORDER). */
  send(lines: OrderStep[], complete: boolean): void;
}

/** The stream's message of one history line: its kind is the SSE event name. */
export function messageOf(line: OrderStep): string {
  const at = line.at.toISOString();
  const data =
    line.kind === 'status'
      ? { status: line.status, cause: line.eventType, note: line.note, at }
      : { ...line.detail, at };
  return `id: ${line.id}\nevent: ${line.kind}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Last-Event-ID as a cursor: absent is the start, anything but a line id is refused. */
export function cursorOf(lastEventId: string | undefined): string {
  if (lastEventId === undefined || lastEventId === '') {
    return '0';
  }
  if (!/^\d{1,18}$/.test(lastEventId)) {
    throw new OrdersException(OrdersErrorCode.InvalidLastEventId);
  }
  return lastEventId;
}

/**
 * Server-Sent Events of an order: its history from the client's Last-Event-ID on, then each new line as the orders
 * module records it (from the events it consumes, in any of its processes: the history table is what every instance
 * reads), until a line shows the order over. One poll serves every open stream of the process.
 */
@Injectable()
export class OrderStreamService implements OnModuleDestroy {
  private readonly log = new Logger(OrderStreamService.name);
  private readonly watchers = new Set<Watcher>();
  private readonly closers = new Set<() => void>();
  private readonly openPerTenant = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  /** A wake-up came while a poll ran: poll again right after it. */
  private again = false;

  constructor(
    private readonly orders: OrderRepository,
    private readonly config: AppConfig,
  ) {}

  async open(
    principal: Principal,
    orderId: string,
    lastEventId: string | undefined,
    request: Request,
    response: Response,
  ): Promise<void> {
    const after = cursorOf(lastEventId);
    const order = await this.orders.findForTenant(this.orders.manager, principal.tenantId, orderId);
    if (!order) {
      throw new OrdersException(OrdersErrorCode.OrderNotFound);
    }
    const backlog = await this.orders.historyAfter([{ orderId, after }], LINES_PER_ORDER);
    if (backlog.length === 0 && isTerminal(order.status)) {
      // Nothing more will come: 204 tells an EventSource to stop reconnecting.
      response.status(204).end();
      return;
    }
    const open = this.openPerTenant.get(principal.tenantId) ?? 0;
    if (open >= this.config.ORDER_STREAMS_PER_ACCOUNT) {
      throw new OrdersException(OrdersErrorCode.TooManyStreams);
    }
    this.openPerTenant.set(principal.tenantId, open + 1);

    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    // nginx and other proxies buffer responses unless told otherwise.
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    request.socket.setNoDelay(true);
    response.write(`retry: ${RETRY_MS}\n\n`);

    let ended = false;
    const heartbeat = setInterval(
      () => response.write(': heartbeat\n\n'),
      this.config.ORDER_STREAM_HEARTBEAT_SECONDS * 1_000,
    );
    const watcher: Watcher = {
      tenantId: principal.tenantId,
      orderId,
      after,
      send: (lines, complete) => {
        let over: OrderStep['status'] | undefined;
        for (const line of lines) {
          if (ended || BigInt(line.id) <= BigInt(watcher.after)) {
            continue;
          }
          response.write(messageOf(line));
          watcher.after = line.id;
          over = isTerminal(line.status) ? line.status : over;
        }
        // News after the end (a refund, the service's actions) is sent before `end`, however it was batched.
        if (over && complete && !ended) {
          response.write(`event: end\ndata: ${JSON.stringify({ status: over })}\n\n`);
          close();
        }
      },
    };
    const close = () => {
      if (ended) {
        return;
      }
      ended = true;
      clearInterval(heartbeat);
      this.watchers.delete(watcher);
      this.closers.delete(close);
      const left = (this.openPerTenant.get(principal.tenantId) ?? 1) - 1;
      if (left > 0) {
        this.openPerTenant.set(principal.tenantId, left);
      } else {
        this.openPerTenant.delete(principal.tenantId);
      }
      response.end();
    };
    this.closers.add(close);
    response.on('close', close);
    watcher.send(backlog, backlog.length < LINES_PER_ORDER);
    if (!ended) {
      this.watchers.add(watcher);
      this.timer ??= setInterval(() => void this.poll(), POLL_MS);
    }
  }

  /**
   * New history lines were committed in this process: open streams read them now rather than at the next poll.
   * Wake-ups during a poll collapse into one more poll.
   */
  wake(): void {
    if (this.watchers.size === 0) {
      return;
    }
    if (this.polling) {
      this.again = true;
      return;
    }
    setImmediate(() => void this.poll());
  }

  /** Ends every open stream: their clients reconnect, to another instance while this one stops. */
  onModuleDestroy(): void {
    for (const close of [...this.closers]) {
      close();
    }
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.watchers.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.polling) {
      return;
    }
    this.polling = true;
    try {
      // Per order, the slowest of its watchers' cursors: each watcher skips what it has already sent.
      const cursors = new Map<string, string>();
      for (const w of this.watchers) {
        const known = cursors.get(w.orderId);
        if (known === undefined || BigInt(w.after) < BigInt(known)) {
          cursors.set(w.orderId, w.after);
        }
      }
      const lines = await this.orders.historyAfter(
        [...cursors].map(([orderId, after]) => ({ orderId, after })),
        LINES_PER_ORDER,
      );
      for (const w of [...this.watchers]) {
        const own = lines.filter((l) => l.orderId === w.orderId);
        w.send(own, own.length < LINES_PER_ORDER);
      }
    } catch (error) {
      // The database may be away for a moment; the streams stay open and the next poll reads again.
      this.log.warn(`order streams could not read new history lines: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
    if (this.again) {
      this.again = false;
      await this.poll();
    }
  }
}
