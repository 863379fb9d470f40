import type { LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import { isPublicAddress } from './webhook-address.js';
import { type AttemptResult, NO_ANSWER, type NoAnswer } from './webhook-delivery.state.js';
import type { SignedRequest } from './webhook-request.js';
import { WebhookResolver } from './webhook-resolver.js';

/** The POST was cut short because this process is shutting down: nothing is recorded, the lease runs out. */
export class DeliveryInterrupted extends Error {
  override readonly name = 'DeliveryInterrupted';
}

/** `detail` says why there was no answer, for the operator's log only; the tenant sees `error`. */
export type SendResult = AttemptResult & { durationMs: number; detail?: string };

/** Why the connection failed, without the URL (a tenant's URL may carry a token in its query). */
function reasonOf(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return String(typeof code === 'string' ? code : message).slice(0, 300);
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    if (signal.aborted) {
      abort();
      return;
    }
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/**
 * A lookup that answers only with the addresses already checked: the socket connects to what the policy saw, so a
 * name that answers differently the second time (DNS rebinding) cannot switch it. The URL's host still goes into
 * the Host header and, for https, into SNI and the certificate check.
 */
function pinnedLookup(hostname: string, addresses: LookupAddress[]): LookupFunction {
  return (name, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    const usable = addresses.filter((a) => family === 0 || a.family === family);
    const first = usable[0];
    if (name !== hostname || !first) {
      callback(Object.assign(new Error(`no checked address for ${name}`), { code: 'ENOTFOUND' }), []);
    } else if (options.all) {
      callback(null, usable);
    } else {
      callback(null, first.address, first.family);
    }
  };
}

/** One POST on a fresh connection; resolves with the status as soon as the headers are in. */
function postTo(
  url: URL,
  lookup: LookupFunction,
  request: SignedRequest,
  signal: AbortSignal,
): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        // A pooled socket would have been connected for an earlier check; every attempt connects to its own.
        agent: false,
        lookup,
        signal,
      },
      (response) => {
        resolve(response.statusCode ?? 0);
        // Only the status counts; a redirect is not followed, it would send the event somewhere not registered.
        response.destroy();
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/**
 * POSTs a signed request to a customer's endpoint and reports what came of it; it never throws for the endpoint.
 * The host is resolved at every attempt and, unless WEBHOOK_ALLOW_INSECURE_URLS is set, refused when any of its
 * addresses is not public: a name may be registered pointing outside and repointed inside later.
 */
@Injectable()
export class WebhookSender {
  private readonly policyApplies: boolean;

  constructor(
    private readonly resolver: WebhookResolver,
    config: AppConfig,
  ) {
    this.policyApplies = !config.WEBHOOK_ALLOW_INSECURE_URLS;
  }

  async post(
    url: string,
    request: SignedRequest,
    timeoutMs: number,
    shutdown: AbortSignal,
  ): Promise<SendResult> {
    const startedAt = performance.now();
    const noAnswer = (error: NoAnswer, detail: string): SendResult => ({
      error,
      detail,
      durationMs: Math.round(performance.now() - startedAt),
    });
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([timeout, shutdown]);
    try {
      const target = new URL(url);
      const host = target.hostname.replace(/^\[|\]$/g, '');
      const family = isIP(host);
      const addresses =
        family === 0 ? await untilAborted(this.resolver.resolve(host), signal) : [{ address: host, family }];
      const refused = addresses.find((a) => !isPublicAddress(a.address));
      if (this.policyApplies && refused) {
        return noAnswer(NO_ANSWER.refused, `${host} resolves to ${refused.address}`);
      }
      const statusCode = await postTo(target, pinnedLookup(host, addresses), request, signal);
      return { statusCode, durationMs: Math.round(performance.now() - startedAt) };
    } catch (error) {
      if (shutdown.aborted) {
        throw new DeliveryInterrupted('shutting down');
      }
      return noAnswer(
        NO_ANSWER.unreachable,
        timeout.aborted ? `timed out after ${timeoutMs} ms` : reasonOf(error),
      );
    }
  }
}
