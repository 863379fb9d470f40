import { Injectable } from '@nestjs/common';
import type { AttemptResult } from './webhook-delivery.state.js';
import type { SignedRequest } from './webhook-request.js';

/** The POST was cut short because this process is shutting down: nothing is recorded, the lease runs out. */
export class DeliveryInterrupted extends Error {
  override readonly name = 'DeliveryInterrupted';
}

export type SendResult = AttemptResult & { durationMs: number };

/** Why fetch failed, without the URL (a tenant's URL may carry a token in its query). */
function connectionError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : (error as Error).message;
  return `connection failed: ${(code ?? message).slice(0, 300)}`;
}

/** POSTs a signed request to a customer's endpoint and reports what came of it; it never throws for the endpoint. */
@Injectable()
export class WebhookSender {
  async post(
    url: string,
    request: SignedRequest,
    timeoutMs: number,
    shutdown: AbortSignal,
  ): Promise<SendResult> {
    const startedAt = performance.now();
    const elapsed = () => Math.round(performance.now() - startedAt);
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        // A redirect is an answer other than 2xx: following it would send the event somewhere not registered.
        redirect: 'manual',
        signal: AbortSignal.any([timeout, shutdown]),
      });
      // The body is not needed: only the status counts. Cancelling frees the connection at once.
      await response.body?.cancel().catch(() => undefined);
      return { statusCode: response.status, durationMs: elapsed() };
    } catch (error) {
      if (shutdown.aborted) {
        throw new DeliveryInterrupted('shutting down');
      }
      if (timeout.aborted) {
        return { error: `timed out after ${timeoutMs} ms`, durationMs: elapsed() };
      }
      return { error: connectionError(error), durationMs: elapsed() };
    }
  }
}
