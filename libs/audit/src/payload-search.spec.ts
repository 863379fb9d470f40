import { containments, PAYLOAD_ID, PAYLOAD_PATH, payloadId } from './payload-search.js';

describe('payload search terms', () => {
  it('turns a dotted path and a text value into containment of that value', () => {
    expect(containments('hostname', 'web-1.example.com')).toEqual(['{"hostname":"web-1.example.com"}']);
    expect(containments('variables.orderId', 'abc')).toEqual(['{"variables":{"orderId":"abc"}}']);
  });

  it('matches a value that reads as a JSON scalar both as text and as that scalar', () => {
    expect(containments('amountMinor', '1546')).toEqual(['{"amountMinor":"1546"}', '{"amountMinor":1546}']);
    expect(containments('a.refunded', 'false')).toEqual([
      '{"a":{"refunded":"false"}}',
      '{"a":{"refunded":false}}',
    ]);
    expect(containments('serviceId', 'null')).toEqual(['{"serviceId":"null"}', '{"serviceId":null}']);
  });

  it('keeps a value as text when it is no JSON scalar, or one JSON could not carry', () => {
    for (const value of ['01', '1e999', '{"a":1}', '[1]', '"quoted"', '', ' 7x']) {
      expect(containments('f', value)).toEqual([JSON.stringify({ f: value })]);
    }
  });

  it('accepts identifiers joined by dots, up to eight, and nothing else', () => {
    for (const path of ['orderId', 'variables.orderId', '_x.y_1', 'a.b.c.d.e.f.g.h']) {
      expect({ path, ok: PAYLOAD_PATH.test(path) }).toEqual({ path, ok: true });
    }
    for (const path of [
      '',
      '.a',
      'a.',
      'a..b',
      '1a',
      'a[0]',
      '$.a',
      'a.b.c.d.e.f.g.h.i',
      "a'--",
      'a b',
      'a.*',
    ]) {
      expect({ path, ok: PAYLOAD_PATH.test(path) }).toEqual({ path, ok: false });
      expect(() => containments(path, 'v')).toThrow(RangeError);
    }
  });

  it('keeps ids in the lower case the index stores them in', () => {
    const id = '0192F0A4-3B1E-7C2D-8E4F-5A6B7C8D9E01';
    expect(PAYLOAD_ID.test(id)).toBe(true);
    expect(payloadId(id)).toBe('0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e01');
    expect(PAYLOAD_ID.test('0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e0')).toBe(false);
    expect(PAYLOAD_ID.test(`${id}\n`)).toBe(false);
  });
});
