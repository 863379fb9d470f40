import { isIP } from 'node:net';
import { isPublicAddress } from './webhook-address.js';

const MAX_URL_LENGTH = 2_048;

/**
 * Refuses at registration what is internal on its face: a literal address or a localhost name. A name is only
 * judged when a delivery resolves it (WebhookSender), because its answer may change after it was registered.
 */
function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return true;
  }
  return isIP(host) !== 0 && !isPublicAddress(host);
}

/**
 * Why a customer's webhook URL is refused, or undefined when it may be used. Production wants https to a public
 * host; with allowInsecure (development, tests) http and this machine are fine too. Credentials in the URL are
 * refused everywhere: they would be stored and shown in plain text.
 */
export function webhookUrlRefusal(raw: string, allowInsecure: boolean): string | undefined {
  if (raw.length > MAX_URL_LENGTH) {
    return `the url may have at most ${MAX_URL_LENGTH} characters`;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'the url is not an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'the url must use https';
  }
  if (url.username !== '' || url.password !== '') {
    return 'the url must not contain credentials';
  }
  if (url.hash !== '') {
    return 'the url must not contain a fragment';
  }
  if (allowInsecure) {
    return undefined;
  }
  if (url.protocol !== 'https:') {
    return 'the url must use https';
  }
  if (isInternalHost(url.hostname)) {
    return 'the url must point at a public host';
  }
  return undefined;
}
