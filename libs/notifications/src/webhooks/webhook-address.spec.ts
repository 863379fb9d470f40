import { isPublicAddress } from './webhook-address.js';

/** Each special-purpose range by its first and last address, and the public addresses just outside it. */
const IPV4_RANGES: { range: string; inside: string[]; outside: string[] }[] = [
  { range: '0.0.0.0/8 this network', inside: ['0.0.0.0', '0.255.255.255'], outside: ['1.0.0.1'] },
  {
    range: '10.0.0.0/8 private',
    inside: ['10.0.0.0', '10.0.0.12', '10.255.255.255'],
    outside: ['9.255.255.255', '11.0.0.0'],
  },
  {
    range: '100.64.0.0/10 shared (CGNAT)',
    inside: ['100.64.0.0', '100.127.255.255'],
    outside: ['100.63.255.255', '100.128.0.0'],
  },
  {
    range: '127.0.0.0/8 loopback',
    inside: ['127.0.0.1', '127.255.255.254'],
    outside: ['126.255.255.255', '128.0.0.0'],
  },
  {
    range: '169.254.0.0/16 link-local',
    inside: ['169.254.0.0', '169.254.169.254', '169.254.255.255'],
    outside: ['169.253.255.255', '169.255.0.0'],
  },
  {
    range: '172.16.0.0/12 private',
    inside: ['172.16.0.0', '172.31.255.255'],
    outside: ['172.15.255.255', '172.32.0.0'],
  },
  {
    range: '192.0.0.0/24 IETF protocol assignments',
    inside: ['192.0.0.0', '192.0.0.9', '192.0.0.170', '192.0.0.255'],
    outside: ['191.255.255.255', '192.0.1.0'],
  },
  { range: '192.0.2.0/24 TEST-NET-1', inside: ['192.0.2.0', '192.0.2.255'], outside: ['192.0.3.0'] },
  {
    range: '192.31.196.0/24 AS112-v4',
    inside: ['192.31.196.1'],
    outside: ['192.31.195.255', '192.31.197.0'],
  },
  { range: '192.52.193.0/24 AMT', inside: ['192.52.193.1'], outside: ['192.52.192.255', '192.52.194.0'] },
  {
    range: '192.88.99.0/24 6to4 relay anycast',
    inside: ['192.88.99.1'],
    outside: ['192.88.98.255', '192.88.100.0'],
  },
  {
    range: '192.168.0.0/16 private',
    inside: ['192.168.0.0', '192.168.255.255'],
    outside: ['192.167.255.255', '192.169.0.0'],
  },
  {
    range: '192.175.48.0/24 AS112 direct delegation',
    inside: ['192.175.48.1'],
    outside: ['192.175.47.255', '192.175.49.0'],
  },
  {
    range: '198.18.0.0/15 benchmarking',
    inside: ['198.18.0.0', '198.19.255.255'],
    outside: ['198.17.255.255', '198.20.0.0'],
  },
  {
    range: '198.51.100.0/24 TEST-NET-2',
    inside: ['198.51.100.1'],
    outside: ['198.51.99.255', '198.51.101.0'],
  },
  { range: '203.0.113.0/24 TEST-NET-3', inside: ['203.0.113.10'], outside: ['203.0.112.255', '203.0.114.0'] },
  { range: '224.0.0.0/4 multicast', inside: ['224.0.0.1', '239.255.255.255'], outside: ['223.255.255.255'] },
  { range: '240.0.0.0/4 reserved and broadcast', inside: ['240.0.0.0', '255.255.255.255'], outside: [] },
];

const IPV6_RANGES: { range: string; inside: string[]; outside: string[] }[] = [
  { range: '::/128 unspecified', inside: ['::'], outside: [] },
  { range: '::1/128 loopback', inside: ['::1', '0:0:0:0:0:0:0:1'], outside: [] },
  {
    range: '::ffff:0:0/96 IPv4-mapped',
    inside: ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:8.8.8.8', '::ffff:10.0.0.12'],
    outside: [],
  },
  { range: '::/96 IPv4-compatible', inside: ['::127.0.0.1', '::8.8.8.8', '::a00:c'], outside: [] },
  { range: '::ffff:0:0:0/96 IPv4-translated', inside: ['::ffff:0:a00:c'], outside: [] },
  {
    range: '64:ff9b::/96 NAT64',
    inside: ['64:ff9b::a00:c', '64:ff9b::10.0.0.12', '64:ff9b::8.8.8.8', '64:ff9b::ffff:ffff'],
    outside: [],
  },
  { range: '64:ff9b:1::/48 local-use NAT64', inside: ['64:ff9b:1::a00:c'], outside: [] },
  { range: '100::/64 discard-only', inside: ['100::1'], outside: [] },
  {
    range: '2001::/23 IETF protocol assignments',
    inside: [
      '2001::1',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      '2001:1::1',
      '2001:2::1',
      '2001:3::1',
      '2001:10::1',
      '2001:20::1',
      '2001:1ff:ffff::1',
    ],
    outside: ['2001:200::1', '2001:4860:4860::8888'],
  },
  {
    range: '2001:db8::/32 documentation',
    inside: ['2001:db8::1', '2001:db8:ffff:ffff::1'],
    outside: ['2001:db9::1'],
  },
  {
    range: '2002::/16 6to4',
    inside: ['2002::1', '2002:a00:c::1', '2002:7f00:1::1', '2002:ffff:ffff::1'],
    outside: ['2003::1', '2001:ffff::1'],
  },
  {
    range: '2620:4f:8000::/48 AS112',
    inside: ['2620:4f:8000::1'],
    outside: ['2620:4f:8001::1', '2620:fe::fe'],
  },
  {
    range: '3fff::/20 documentation',
    inside: ['3fff::1', '3fff:fff:ffff::1'],
    outside: ['3ffe:ffff::1', '3fff:1000::1'],
  },
  { range: '5f00::/16 SRv6 SIDs', inside: ['5f00::1'], outside: [] },
  { range: 'fc00::/7 unique local (ULA)', inside: ['fc00::1', 'fd00::1', 'fdff:ffff::1'], outside: [] },
  { range: 'fe80::/10 link-local', inside: ['fe80::1', 'febf::1', 'fe80::1%eth0'], outside: [] },
  { range: 'fec0::/10 site-local', inside: ['fec0::1'], outside: [] },
  { range: 'ff00::/8 multicast', inside: ['ff02::1', 'ff0e::101'], outside: [] },
  {
    range: 'outside 2000::/3, unassigned',
    inside: ['1000::1', '4000::1', 'e000::1'],
    outside: ['2000::1', '3ffe::1'],
  },
];

describe(isPublicAddress.name, () => {
  it.each([...IPV4_RANGES, ...IPV6_RANGES])('refuses $range, not its neighbours', ({ inside, outside }) => {
    for (const address of inside) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: false });
    }
    for (const address of outside) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: true });
    }
  });

  it('accepts public unicast addresses of both families', () => {
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '93.184.215.14',
      '2606:4700:4700::1111',
      '2a00:1450:4001::200e',
    ]) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: true });
    }
  });

  it('refuses what is not an IP address at all, so a name can never pass unresolved', () => {
    for (const address of [
      '',
      'localhost',
      'hooks.example.com',
      '10.0.0.12.nip.io',
      '2130706433',
      '0x7f000001',
      '[::1]',
      '1.2.3',
      '::ffff:1.2.3',
    ]) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: false });
    }
  });
});
