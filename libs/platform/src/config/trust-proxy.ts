import { isIP } from 'node:net';

/** Names Express (proxy-addr) knows for the loopback, link-local and unique-local/private ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Express's "trust proxy" value from TRUST_PROXY: a hop count (0: the socket's peer is the client) or a
 * comma-separated list of proxy addresses and CIDR ranges. Undefined when the value is neither, so config
 * validation can refuse it before Express would throw on it, or worse, trust every hop.
 */
export function parseTrustProxy(value: string): number | string[] | undefined {
  if (/^\d{1,2}$/.test(value)) {
    return Number(value);
  }
  const entries = value.split(',').map((entry) => entry.trim());
  return entries.every(isProxyRange) ? entries : undefined;
}

function isProxyRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) {
    return true;
  }
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) {
    return false;
  }
  if (bits === undefined) {
    return true;
  }
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
