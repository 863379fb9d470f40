import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';

/**
 * Where a newest-first page ended: the (created_at, id) of its last row. created_at travels as PostgreSQL keeps it,
 * to the microsecond (a JavaScript Date would round it to the millisecond, and rows within that millisecond would
 * be skipped or repeated); the id breaks ties between rows created in the same microsecond.
 */
export interface KeysetPosition {
  /** UTC, six fractional digits: 2026-12-03T13:00:00.123456Z. */
  at: string;
  id: string;
}

/** Selects a timestamptz column in KeysetPosition.at's form: `${keysetTimeSql('o.created_at')} AS cursor_at`. */
export function keysetTimeSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]{1,200}$/;

/** Opaque to clients: they pass back the nextCursor they were given, and nothing else decodes. */
export function encodeCursor(position: KeysetPosition): string {
  if (!AT.test(position.at) || !ID.test(position.id)) {
    throw new Error(`not a keyset position: ${position.at} ${position.id}`);
  }
  return Buffer.from(`${position.at}|${position.id}`, 'utf8').toString('base64url');
}

/** The position a cursor of encodeCursor names, or undefined for anything else (tampered, truncated, foreign). */
export function decodeCursor(cursor: string): KeysetPosition | undefined {
  if (!BASE64URL.test(cursor)) {
    return undefined;
  }
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (at === undefined || id === undefined || rest.length > 0 || !AT.test(at) || !ID.test(id)) {
    return undefined;
  }
  if (
    Number.isNaN(Date.parse(at)) ||
    new Date(Date.parse(at)).toISOString().slice(0, 23) !== at.slice(0, 23)
  ) {
    return undefined;
  }
  // One spelling per position: a cursor with other padding bits is not one we gave out.
  return encodeCursor({ at, id }) === cursor ? { at, id } : undefined;
}

export const ADMIN_PAGE_DEFAULT_LIMIT = 50;
export const ADMIN_PAGE_MAX_LIMIT = 200;

/** The back office's lists across tenants: keyset pages newest first by (created time, id), never OFFSET. */
export class KeysetPageQuery {
  @ApiProperty({
    required: false,
    default: ADMIN_PAGE_DEFAULT_LIMIT,
    minimum: 1,
    maximum: ADMIN_PAGE_MAX_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ADMIN_PAGE_MAX_LIMIT)
  limit?: number;

  @ApiProperty({ required: false, description: 'nextCursor of the previous page (opaque)' })
  @IsOptional()
  @ValidateBy({
    name: 'isKeysetCursor',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && decodeCursor(value) !== undefined,
      defaultMessage: () => 'cursor must be the nextCursor of a previous page',
    },
  })
  cursor?: string;
}

/** One page of rows fetched with limit + 1: the extra row only tells that a next page exists. */
export function keysetPage<R extends { cursorAt: string; id: string }, V>(
  rows: R[],
  limit: number,
  view: (row: R) => V,
): { items: V[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}
