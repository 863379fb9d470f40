import { deliver, nextOffset, tappedRecord, type TappedRecord } from './tapped-record.js';

const record = (offset: string): TappedRecord => ({
  topic: 't',
  partition: 0,
  offset,
  key: null,
  headers: {},
  value: null,
  timestamp: '0',
});

describe(tappedRecord.name, () => {
  it('decodes key, value and each header’s first value to text, keeping nulls', () => {
    const tapped = tappedRecord('p.order.created', 3, {
      key: Buffer.from('tenant-1'),
      value: Buffer.from('{"orderId":"o"}'),
      headers: { ce_id: Buffer.from('e-1'), multi: [Buffer.from('a'), Buffer.from('b')], gone: undefined },
      offset: '42',
      timestamp: '1700000000000',
    });
    expect(tapped).toEqual({
      topic: 'p.order.created',
      partition: 3,
      offset: '42',
      key: 'tenant-1',
      headers: { ce_id: 'e-1', multi: 'a' },
      value: '{"orderId":"o"}',
      timestamp: '1700000000000',
    });
    expect(tappedRecord('t', 0, { key: null, value: null, offset: '0', timestamp: '0' })).toMatchObject({
      key: null,
      value: null,
      headers: {},
    });
  });
});

describe(nextOffset.name, () => {
  it('commits the record after the last stored one, beyond 2^53 too', () => {
    expect(nextOffset('0')).toBe('1');
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
  });
});

describe(deliver.name, () => {
  const noWait = { wait: () => Promise.resolve(), initialBackoffMs: 1, maxBackoffMs: 4 };

  it('retries the same records with growing backoff until the handler succeeds', async () => {
    const seen: string[][] = [];
    const waits: number[] = [];
    let calls = 0;
    const stored = await deliver(
      (records) => {
        seen.push(records.map((r) => r.offset));
        return ++calls < 4 ? Promise.reject(new Error('database down')) : Promise.resolve();
      },
      [record('5'), record('6')],
      {
        ...noWait,
        active: () => true,
        wait: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
    );
    expect(stored).toBe(true);
    expect(seen).toEqual([
      ['5', '6'],
      ['5', '6'],
      ['5', '6'],
      ['5', '6'],
    ]);
    expect(waits).toEqual([1, 2, 4]);
  });

  it('gives up without success once the caller stops, so nothing gets committed', async () => {
    let active = true;
    const failures: number[] = [];
    const stored = await deliver(() => Promise.reject(new Error('still down')), [record('1')], {
      ...noWait,
      active: () => active,
      onFailure: (_error, attempt) => {
        failures.push(attempt);
        active = attempt < 3;
      },
    });
    expect(stored).toBe(false);
    expect(failures).toEqual([1, 2, 3]);
  });
});
