import { BlockList, isIP } from 'node:net';

/**
 * IPv4 ranges a customer's webhook must never reach: this host, private and shared (CGNAT) networks, link-local,
 * multicast, reserved and broadcast, and every entry of the IANA IPv4 Special-Purpose Address Registry. The
 * registry marks a few of them globally reachable (AS112, AMT, 192.0.0.9/10); none of them runs a customer's HTTP
 * receiver, so the whole block is refused rather than carved up.
 */
const SPECIAL_IPV4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.31.196.0', 24],
  ['192.52.193.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['192.175.48.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

/**
 * Only global unicast (2000::/3) is reachable over IPv6. Everything outside it is refused without a list: loopback,
 * unspecified, IPv4-mapped and IPv4-compatible, NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48), discard-only,
 * SRv6, ULA, link-local, site-local and multicast. Inside it, the special-purpose entries are: the IETF protocol
 * assignments (Teredo, benchmarking, ORCHID, which embed or stand for other addresses), documentation, 6to4 (it embeds
 * an IPv4 address a relay would reach), and the AS112 delegation.
 */
const SPECIAL_IPV6_UNICAST: readonly (readonly [string, number])[] = [
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['2620:4f:8000::', 48],
  ['3fff::', 20],
];

function blockList(family: 'ipv4' | 'ipv6', subnets: readonly (readonly [string, number])[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of subnets) {
    list.addSubnet(network, prefix, family);
  }
  return list;
}

const REFUSED_IPV4 = blockList('ipv4', SPECIAL_IPV4);
const GLOBAL_UNICAST_IPV6 = blockList('ipv6', [['2000::', 3]]);
const REFUSED_IPV6 = blockList('ipv6', SPECIAL_IPV6_UNICAST);

/**
 * Whether a webhook may connect to this address. Anything that is not a plain IP address (a name, a malformed
 * literal) is not public: the caller resolves names first and asks about each answer.
 */
export function isPublicAddress(address: string): boolean {
  // A zone (fe80::1%eth0) names an interface, never a public address; what is left decides.
  const bare = address.replace(/%.*$/s, '');
  switch (isIP(bare)) {
    case 4:
      return !REFUSED_IPV4.check(bare, 'ipv4');
    case 6:
      return GLOBAL_UNICAST_IPV6.check(bare, 'ipv6') && !REFUSED_IPV6.check(bare, 'ipv6');
    default:
      return false;
  }
}
