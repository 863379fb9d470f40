/** One Server-Sent Events message as the WHATWG parsing rules read it (comments kept apart). */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

/** A Server-Sent Events response read with fetch, as a storefront with a bearer token reads it. */
export class SseStream {
  readonly comments: string[] = [];
  /** Set once the server closed the response. */
  finished = false;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private readonly ready: SseMessage[] = [];

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly reader: ReadableStreamDefaultReader<Uint8Array> | undefined,
    private readonly abort: AbortController,
    readonly text: string,
  ) {}

  static async open(url: string, token: string | undefined, lastEventId?: string): Promise<SseStream> {
    const abort = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (token !== undefined) {
      headers.Authorization = `Bearer ${token}`;
    }
    if (lastEventId !== undefined) {
      headers['Last-Event-ID'] = lastEventId;
    }
    const response = await fetch(url, { headers, signal: abort.signal });
    const streaming = response.status === 200 && response.body !== null;
    const text = streaming ? '' : await response.text();
    return new SseStream(
      response.status,
      response.headers,
      streaming ? response.body.getReader() : undefined,
      abort,
      text,
    );
  }

  /** The next message, or undefined once the server has closed the stream; rejects after `timeoutMs`. */
  async next(timeoutMs = 30_000): Promise<SseMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.ready.length === 0 && !this.finished) {
      if (!this.reader) {
        this.finished = true;
        break;
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no Server-Sent Event within ${timeoutMs} ms`)),
          Math.max(0, deadline - Date.now()),
        );
      });
      try {
        const { done, value } = await Promise.race([this.reader.read(), timeout]);
        if (done) {
          this.finished = true;
        } else {
          this.buffer += this.decoder.decode(value, { stream: true });
          this.parse();
        }
      } finally {
        clearTimeout(timer);
      }
    }
    return this.ready.shift();
  }

  /** Every message up to and including `event: end`; the server must close the stream right after it. */
  async untilEnd(timeoutMs = 30_000): Promise<SseMessage[]> {
    const messages: SseMessage[] = [];
    for (;;) {
      const message = await this.next(timeoutMs);
      if (message === undefined) {
        throw new Error(`the stream closed without an end event after ${JSON.stringify(messages)}`);
      }
      messages.push(message);
      if (message.event === 'end') {
        if ((await this.next(timeoutMs)) !== undefined || !this.finished) {
          throw new Error('the stream went on after its end event');
        }
        return messages;
      }
    }
  }

  close(): void {
    this.abort.abort();
  }

  private parse(): void {
    const blocks = this.buffer.replace(/\r\n?/g, '\n').split('\n\n');
    this.buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      let id: string | undefined;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') {
          id = value;
        } else if (field === 'event') {
          event = value;
        } else if (field === 'data') {
          data.push(value);
        }
      }
      if (data.length > 0) {
        this.ready.push({ id, event, data: data.join('\n') });
      }
    }
  }
}
