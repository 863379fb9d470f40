import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AuditException } from '../audit.exception.js';
import { unmatchedIds } from '../bulk-redrive.service.js';
import { BULK_REDRIVE_CAP, BulkRedriveDto, selectionOf } from './bulk-redrive.dto.js';

/** The properties the global ValidationPipe (whitelist, forbidNonWhitelisted) would refuse in this body. */
const refusedIn = (body: object): string[] => {
  const errors = validateSync(plainToInstance(BulkRedriveDto, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  const paths = (list: typeof errors, parent = ''): string[] =>
    list.flatMap((e) => [
      ...(e.constraints ? [`${parent}${e.property}`] : []),
      ...paths(e.children ?? [], `${parent}${e.property}.`),
    ]);
  return paths(errors);
};

const problemOf = (run: () => unknown): string => {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return error instanceof AuditException ? String(error.message) : 'unexpected';
  }
};

describe(BulkRedriveDto.name, () => {
  it('takes a selection, a dry run without a reason, and a real run with one', () => {
    expect(refusedIn({ selection: { type: 'invoice.void_requested' } })).toEqual([]);
    expect(
      refusedIn({
        selection: {
          type: 'invoice.void_requested',
          error: 'no invoice',
          from: '2026-12-01T00:00:00Z',
          to: '2026-12-02T00:00:00Z',
          ids: ['1', '22'],
        },
        dryRun: false,
        reason: 'billing fixed',
        limit: BULK_REDRIVE_CAP,
        cursor: '21',
      }),
    ).toEqual([]);
  });

  it('refuses each malformed part of a request', () => {
    const selection = { type: 'invoice.void_requested' };
    const cases: [object, string[]][] = [
      [{}, ['selection']],
      [{ selection: 'all' }, ['selection']],
      [{ selection, dryRun: false }, ['reason']],
      [{ selection, dryRun: false, reason: '   ' }, ['reason']],
      [{ selection, dryRun: 'no', reason: 'billing fixed' }, ['dryRun']],
      [{ selection, limit: BULK_REDRIVE_CAP + 1 }, ['limit']],
      [{ selection, limit: 0 }, ['limit']],
      [{ selection, cursor: 'abc' }, ['cursor']],
      [{ selection, everything: true }, ['everything']],
      [{ selection: { type: 'Invoice Void' } }, ['selection.type']],
      [{ selection: { error: '' } }, ['selection.error']],
      [{ selection: { from: 'yesterday' } }, ['selection.from']],
      [{ selection: { to: '2026-02-30T00:00:00Z' } }, ['selection.to']],
      [{ selection: { ids: [] } }, ['selection.ids']],
      [{ selection: { ids: ['1', '1'] } }, ['selection.ids']],
      [{ selection: { ids: ['0'] } }, ['selection.ids']],
      [
        { selection: { ids: Array.from({ length: BULK_REDRIVE_CAP + 1 }, (_, i) => String(i + 1)) } },
        ['selection.ids'],
      ],
      [{ selection: { topic: 'x' } }, ['selection.topic']],
    ];
    for (const [body, refused] of cases) {
      expect({ body, refused: refusedIn(body) }).toEqual({ body, refused });
    }
  });
});

describe(selectionOf.name, () => {
  it('keeps every criterion given, times as instants', () => {
    expect(
      selectionOf({ type: 'a.b', error: 'boom', from: '2026-12-01T00:00:00Z', to: '2026-12-01T00:00:01Z' }),
    ).toEqual({
      type: 'a.b',
      error: 'boom',
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:01Z'),
      ids: undefined,
    });
  });

  it('refuses a selection of everything and an empty time range', () => {
    expect(problemOf(() => selectionOf({}))).toMatch(/selection is empty/);
    expect(
      problemOf(() => selectionOf({ from: '2026-12-01T00:00:00Z', to: '2026-12-01T00:00:00Z' })),
    ).toMatch(/from is not before to/);
    expect(problemOf(() => selectionOf({ to: 'soon' }))).toMatch(/to is not a valid instant/);
    expect(problemOf(() => selectionOf({ ids: ['7'] }))).toBe('accepted');
  });
});

describe(unmatchedIds.name, () => {
  it('names the ids this call should have met but the selection did not', () => {
    const ids = ['5', '12', '30', '100'];
    expect(unmatchedIds(ids, [{ id: '12' }], undefined, null)).toEqual(['5', '30', '100']);
    // Ids at or before the cursor were the previous call's, after the next cursor the next call's.
    expect(unmatchedIds(ids, [{ id: '12' }], '5', '30')).toEqual(['30']);
    expect(unmatchedIds(undefined, [{ id: '12' }], undefined, null)).toEqual([]);
  });
});
