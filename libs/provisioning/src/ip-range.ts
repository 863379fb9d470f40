import { isIP } from 'node:net';

export type IpFamily = 4 | 6;

/** A range is materialized into one row per address when it is added, so its size is capped. */
export const MAX_RANGE_SIZE = 65_536;

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

export interface IpRangeInput {
  first: string;
  last: string;
  prefix: number;
  gateway: string;
  dns: readonly string[];
}

/** A range that may be added: one family, inside the gateway's subnet, the gateway not in it. */
export interface IpRange extends IpRangeInput {
  family: IpFamily;
  size: number;
}

export type RangeCheck = { ok: true; range: IpRange } | { ok: false; tooLarge: boolean; message: string };

export interface ParsedAddress {
  family: IpFamily;
  value: bigint;
}

export function parseAddress(text: string): ParsedAddress | undefined {
  const family = isIP(text);
  if (family === 4) {
    return { family, value: parseIpv4(text) };
  }
  // A zone id (fe80::1%eth0) names a link of this host, not an address a guest can hold.
  if (family === 6 && !text.includes('%')) {
    return { family, value: parseIpv6(text) };
  }
  return undefined;
}

export function formatAddress({ family, value }: ParsedAddress): string {
  if (family === 4) {
    return [24, 16, 8, 0].map((shift) => Number((value >> BigInt(shift)) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups (the first of equal ones) becomes "::".
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) {
      j++;
    }
    if (j - i > best.length) {
      best = { start: i, length: j - i };
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) {
    return hex.join(':');
  }
  const head = hex.slice(0, best.start).join(':');
  const tail = hex.slice(best.start + best.length).join(':');
  return `${head}::${tail}`;
}

/** Checks an address range an administrator adds; the messages say what to change. */
export function checkRange(input: IpRangeInput): RangeCheck {
  const invalid = (message: string): RangeCheck => ({ ok: false, tooLarge: false, message });
  const first = parseAddress(input.first);
  const last = parseAddress(input.last);
  const gateway = parseAddress(input.gateway);
  if (!first || !last || !gateway) {
    return invalid('first, last and gateway must be IP addresses');
  }
  const family = first.family;
  if (last.family !== family || gateway.family !== family) {
    return invalid('first, last and gateway must all be IPv4 or all IPv6');
  }
  const bits = BITS[family];
  if (!Number.isInteger(input.prefix) || input.prefix < 1 || input.prefix > bits) {
    return invalid(`prefix must be 1-${bits} for IPv${family}`);
  }
  if (first.value > last.value) {
    return invalid('first must not come after last');
  }
  const size = last.value - first.value + 1n;
  if (size > BigInt(MAX_RANGE_SIZE)) {
    return {
      ok: false,
      tooLarge: true,
      message: `the range holds ${size} addresses; at most ${MAX_RANGE_SIZE} can be added at once`,
    };
  }
  const special = [first, last, gateway].find((a) => !isUnicast(a));
  if (special) {
    return invalid(`${formatAddress(special)} is not a unicast address a machine can use`);
  }
  const hostBits = BigInt(bits - input.prefix);
  const network = (gateway.value >> hostBits) << hostBits;
  const broadcast = network + (1n << hostBits) - 1n;
  const subnet = `${formatAddress({ family, value: network })}/${input.prefix}`;
  if (first.value < network || last.value > broadcast) {
    return invalid(`the range must lie inside ${subnet}, the gateway's subnet`);
  }
  if (gateway.value >= first.value && gateway.value <= last.value) {
    return invalid('the gateway must not be inside the range');
  }
  // The subnet's own address (and IPv4's broadcast) is no host's, except on point-to-point /31 and /127 links.
  if (hostBits > 1n && first.value === network) {
    return invalid(`${formatAddress(first)} is the address of ${subnet} itself`);
  }
  if (family === 4 && hostBits > 1n && last.value === broadcast) {
    return invalid(`${formatAddress(last)} is the broadcast address of ${subnet}`);
  }
  const badDns = input.dns.find((d) => !parseAddress(d));
  if (badDns !== undefined) {
    return invalid(`dns ${JSON.stringify(badDns)} is not an IP address`);
  }
  return { ok: true, range: { ...input, family, size: Number(size) } };
}

function parseIpv4(text: string): bigint {
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

/** Only called on text isIP accepted as IPv6, so the shape is known to be right. */
function parseIpv6(text: string): bigint {
  let body = text;
  const tail = body.slice(body.lastIndexOf(':') + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    body = `${body.slice(0, body.length - tail.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [left = '', right] = body.split('::');
  const head = left === '' ? [] : left.split(':');
  const rest = right === undefined || right === '' ? [] : right.split(':');
  const zeros = right === undefined ? [] : Array<string>(8 - head.length - rest.length).fill('0');
  return [...head, ...zeros, ...rest].reduce(
    (value, group) => (value << 16n) | BigInt(parseInt(group, 16)),
    0n,
  );
}

/** Not unspecified, loopback, multicast or reserved (0/8, 127/8, 224/3; ::, ::1, ff00::/8). */
function isUnicast({ family, value }: ParsedAddress): boolean {
  if (family === 4) {
    const top = Number(value >> 24n);
    return top !== 0 && top !== 127 && top < 224;
  }
  return value > 1n && value >> 120n !== 0xffn;
}
