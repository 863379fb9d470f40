import fc from 'fast-check';
import { checkRange, formatAddress, MAX_RANGE_SIZE, parseAddress, type IpRangeInput } from './ip-range.js';

const v4 = (overrides: Partial<IpRangeInput> = {}): IpRangeInput => ({
  first: '198.51.100.10',
  last: '198.51.100.250',
  prefix: 24,
  gateway: '198.51.100.1',
  dns: ['1.1.1.1'],
  ...overrides,
});

const v6 = (overrides: Partial<IpRangeInput> = {}): IpRangeInput => ({
  first: '2001:db8:1::100',
  last: '2001:db8:1::1ff',
  prefix: 64,
  gateway: '2001:db8:1::1',
  dns: ['2606:4700:4700::1111'],
  ...overrides,
});

const message = (input: IpRangeInput): string => {
  const check = checkRange(input);
  return check.ok ? 'ok' : check.message;
};

describe('ip-range', () => {
  describe(parseAddress.name, () => {
    it.each([
      ['0.0.0.1', 4, 1n],
      ['198.51.100.10', 4, 0xc633640an],
      ['255.255.255.255', 4, 0xffffffffn],
      ['::', 6, 0n],
      ['::1', 6, 1n],
      ['2001:db8::', 6, 0x20010db8n << 96n],
      ['2001:DB8:0:0:0:0:0:1', 6, (0x20010db8n << 96n) + 1n],
      ['::ffff:192.0.2.1', 6, (0xffffn << 32n) + 0xc0000201n],
      ['1:2:3:4:5:6:7:8', 6, 0x00010002000300040005000600070008n],
    ])('%s is IPv%d %s', (text, family, value) => {
      expect(parseAddress(text)).toEqual({ family, value });
    });

    it.each(['', '256.1.1.1', '1.2.3', 'fe80::1%eth0', 'example.com', '1.2.3.4/32', '2001:db8::/64'])(
      'refuses %j',
      (text) => {
        expect(parseAddress(text)).toBeUndefined();
      },
    );

    it('formats back what it parsed, in the canonical form', () => {
      expect(formatAddress({ family: 6, value: 0x20010db8n << 96n })).toBe('2001:db8::');
      expect(formatAddress({ family: 6, value: 1n })).toBe('::1');
      expect(formatAddress({ family: 6, value: 0n })).toBe('::');
      // RFC 5952: the first of two equally long zero runs is compressed; a single zero group is not.
      expect(formatAddress(parseAddress('1:0:0:2:0:0:3:4') ?? { family: 6, value: 0n })).toBe('1::2:0:0:3:4');
      expect(formatAddress(parseAddress('1:0:2:3:4:5:6:7') ?? { family: 6, value: 0n })).toBe(
        '1:0:2:3:4:5:6:7',
      );
      fc.assert(
        fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
          const parsed = parseAddress(text);
          expect(parsed).toBeDefined();
          if (parsed) {
            expect(parseAddress(formatAddress(parsed))).toEqual(parsed);
          }
        }),
      );
    });
  });

  describe(checkRange.name, () => {
    it('accepts a range inside the gateway subnet, and counts it', () => {
      expect(checkRange(v4())).toEqual({ ok: true, range: { ...v4(), family: 4, size: 241 } });
      expect(checkRange(v6())).toEqual({ ok: true, range: { ...v6(), family: 6, size: 256 } });
      expect(
        checkRange(v4({ first: '10.0.0.2', last: '10.0.0.2', prefix: 30, gateway: '10.0.0.1' })),
      ).toMatchObject({
        ok: true,
        range: { size: 1 },
      });
    });

    it(`accepts up to ${MAX_RANGE_SIZE} addresses and refuses more as too large`, () => {
      const largest = v4({ first: '10.0.0.1', last: '10.1.0.0', prefix: 8, gateway: '10.255.255.254' });
      expect(checkRange(largest)).toMatchObject({ ok: true, range: { size: MAX_RANGE_SIZE } });
      expect(checkRange({ ...largest, last: '10.1.0.1' })).toMatchObject({ ok: false, tooLarge: true });
      expect(checkRange(v6({ first: '2001:db8:1::1', last: '2001:db8:1::ffff:ffff' }))).toMatchObject({
        ok: false,
        tooLarge: true,
      });
    });

    it.each<[string, IpRangeInput, string]>([
      ['mixed families', v4({ gateway: '2001:db8::1' }), 'must all be IPv4 or all IPv6'],
      ['a host name', v4({ first: 'gw.example.com' }), 'must be IP addresses'],
      ['an IPv4 prefix over 32', v4({ prefix: 33 }), 'prefix must be 1-32 for IPv4'],
      ['first after last', v4({ first: '198.51.100.251' }), 'first must not come after last'],
      ['a range outside the subnet', v4({ last: '198.51.101.5' }), 'inside 198.51.100.0/24'],
      ['a gateway in another subnet', v4({ gateway: '203.0.113.1' }), 'inside 203.0.113.0/24'],
      [
        'the gateway inside the range',
        v4({ gateway: '198.51.100.20' }),
        'gateway must not be inside the range',
      ],
      [
        'the network address',
        v4({ first: '198.51.100.0', gateway: '198.51.100.254' }),
        'is the address of 198.51.100.0/24 itself',
      ],
      ['the broadcast address', v4({ last: '198.51.100.255' }), 'is the broadcast address'],
      [
        'the IPv6 subnet-router address',
        v6({ first: '2001:db8:1::', gateway: '2001:db8:1::1:1' }),
        'is the address of 2001:db8:1::/64 itself',
      ],
      [
        'loopback',
        v4({ first: '127.0.0.2', last: '127.0.0.9', gateway: '127.0.0.1' }),
        'not a unicast address',
      ],
      ['multicast', v6({ first: 'ff02::2', last: 'ff02::9', gateway: 'ff02::1' }), 'not a unicast address'],
      ['a bad resolver', v4({ dns: ['1.1.1.1', 'dns.example'] }), 'dns "dns.example" is not an IP address'],
    ])('refuses %s', (_, input, expected) => {
      expect(checkRange(input)).toMatchObject({ ok: false, tooLarge: false });
      expect(message(input)).toContain(expected);
    });

    it('takes a /31 point-to-point link whole (RFC 3021)', () => {
      expect(message(v4({ first: '192.0.2.0', last: '192.0.2.0', prefix: 31, gateway: '192.0.2.1' }))).toBe(
        'ok',
      );
    });

    it('whatever it accepts lies inside the subnet, excludes the gateway and holds at most the cap', () => {
      fc.assert(
        fc.property(
          fc.nat({ max: 0xffffffff }),
          fc.integer({ min: 16, max: 30 }),
          fc.nat({ max: 70_000 }),
          fc.nat({ max: 70_000 }),
          (gateway, prefix, from, length) => {
            const host = BigInt(gateway);
            const input = v4({
              gateway: formatAddress({ family: 4, value: host }),
              first: formatAddress({ family: 4, value: BigInt(Math.min(gateway + from + 1, 0xffffffff)) }),
              last: formatAddress({
                family: 4,
                value: BigInt(Math.min(gateway + from + 1 + length, 0xffffffff)),
              }),
              prefix,
            });
            const check = checkRange(input);
            if (!check.ok) {
              return;
            }
            const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n);
            const [first, last] = [
              parseAddress(input.first)?.value ?? -1n,
              parseAddress(input.last)?.value ?? -1n,
            ];
            expect(first & mask).toBe(host & mask);
            expect(last & mask).toBe(host & mask);
            expect(host < first || host > last).toBe(true);
            expect(check.range.size).toBe(Number(last - first) + 1);
            expect(check.range.size).toBeLessThanOrEqual(MAX_RANGE_SIZE);
          },
        ),
      );
    });
  });
});
