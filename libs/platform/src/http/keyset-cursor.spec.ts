import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  decodeCursor,
  encodeCursor,
  KeysetPageQuery,
  keysetPage,
  type KeysetPosition,
} from './keyset-cursor.js';

const position: KeysetPosition = {
  at: '2026-12-03T13:00:00.123456Z',
  id: '0195f3c2-7a41-7c3e-9d1a-4b8e2f6a1c05',
};

describe('keyset cursors', () => {
  it('round-trips a position, to the microsecond', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
    expect(decodeCursor(encodeCursor({ ...position, at: '2026-12-03T13:00:00.123457Z' }))).not.toEqual(
      position,
    );
  });

  it('refuses to encode what is not a position', () => {
    expect(() => encodeCursor({ ...position, at: '2026-12-03T13:00:00.123Z' })).toThrow(
      'not a keyset position',
    );
    expect(() => encodeCursor({ ...position, id: 'not-a-uuid' })).toThrow('not a keyset position');
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['a bare id', position.id],
    ['text without a separator', Buffer.from('hello').toString('base64url')],
    ['an extra field', Buffer.from(`${position.at}|${position.id}|x`).toString('base64url')],
    ['milliseconds only', Buffer.from(`2026-12-03T13:00:00.123Z|${position.id}`).toString('base64url')],
    ['an impossible date', Buffer.from(`2026-02-30T13:00:00.123456Z|${position.id}`).toString('base64url')],
    ['an upper-case id', Buffer.from(`${position.at}|${position.id.toUpperCase()}`).toString('base64url')],
    ['too long', 'A'.repeat(201)],
  ])('decodes %s to nothing', (_name, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });

  it('decodes only its own spelling of a position (no alternative padding bits)', () => {
    const cursor = encodeCursor(position);
    const last = cursor.at(-1) ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const others = [...alphabet].filter((c) => c !== last).map((c) => cursor.slice(0, -1) + c);
    // Other last characters decode to other ids or to nothing, never to the same position spelt another way.
    expect(others.filter((other) => decodeCursor(other)?.id === position.id)).toEqual([]);
  });
});

describe(keysetPage.name, () => {
  const rows = [3, 2, 1].map((n) => ({
    id: `0195f3c2-7a41-7c3e-9d1a-4b8e2f6a1c0${n}`,
    cursorAt: position.at,
    n,
  }));

  it('names the last row of a full page as the next cursor when one more row was fetched', () => {
    const page = keysetPage(rows, 2, (r) => r.n);
    expect(page.items).toEqual([3, 2]);
    expect(decodeCursor(page.nextCursor ?? '')).toEqual({ at: position.at, id: rows[1]?.id });
  });

  it('has no next cursor on the last page', () => {
    expect(keysetPage(rows, 3, (r) => r.n)).toEqual({ items: [3, 2, 1], nextCursor: null });
    expect(keysetPage([], 3, (r: (typeof rows)[number]) => r.n)).toEqual({ items: [], nextCursor: null });
  });
});

describe(KeysetPageQuery.name, () => {
  const errors = (query: Record<string, unknown>) =>
    validateSync(plainToInstance(KeysetPageQuery, query)).flatMap((e) => Object.values(e.constraints ?? {}));

  it('takes a limit of 1 to 200 and a cursor it gave out', () => {
    expect(errors({})).toEqual([]);
    expect(errors({ limit: '200', cursor: encodeCursor(position) })).toEqual([]);
    expect(errors({ limit: '201' })).toEqual(['limit must not be greater than 200']);
    expect(errors({ limit: '0' })).toEqual(['limit must not be less than 1']);
    expect(errors({ cursor: position.id })).toEqual(['cursor must be the nextCursor of a previous page']);
  });
});
