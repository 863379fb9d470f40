import { isIPv6 } from 'node:net';

/**
 * The bucket a client address counts in: IPv4 as is (also when it arrives IPv4-mapped), IPv6 by its /64, which one
 * subscriber usually holds whole and could otherwise walk through to get a fresh budget per address.
 */
export function clientKeyOf(ip: string | undefined): string {
  if (!ip) {
    return 'unknown';
  }
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) {
    return mapped[1];
  }
  return isIPv6(ip) ? ipv6Slash64(ip) : ip;
}

function ipv6Slash64(ip: string): string {
  const [head = '', tail] = (ip.split('%')[0] ?? '').split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // A trailing dotted quad fills two groups.
  const rightWidth = right.reduce((width, group) => width + (group.includes('.') ? 2 : 1), 0);
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - rightWidth).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
