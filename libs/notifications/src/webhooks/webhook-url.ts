import { BlockList, isIP } from 'node:net';

const MAX_URL_LENGTH = 2_048;

/**
 * Addresses a customer's webhook must not point at in production: this host, private networks, link-local. BlockList
 * also checks IPv4-mapped IPv6 addresses (::ffff:7f00:1) against the IPv4 rules.
 */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv6');
}

function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return true;
  }
  const family = isIP(host);
  return family !== 0 && INTERNAL.check(host, family === 4 ? 'ipv4' : 'ipv6');
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
