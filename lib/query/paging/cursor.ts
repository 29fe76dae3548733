import { createHash } from 'node:crypto';
import { QueryError } from '../../errors';
import type { ModelMeta } from '../../metadata/types';

/** Bumped when the cursor layout changes: an older cursor is then refused instead of misread. */
const VERSION = 1;

// Values JSON cannot carry as themselves travel tagged: { $: 'd' | 'b' | 'x', v: string }.
function pack(value: unknown): unknown {
  if (value instanceof Date) return { $: 'd', v: value.toISOString() };
  if (typeof value === 'bigint') return { $: 'b', v: value.toString() };
  if (Buffer.isBuffer(value)) return { $: 'x', v: value.toString('base64') };
  return value;
}

function unpack(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const { $, v } = value as { $?: unknown; v?: unknown };
  if (typeof v === 'string' && $ === 'd' && !Number.isNaN(Date.parse(v))) return new Date(v);
  if (typeof v === 'string' && $ === 'b' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'string' && $ === 'x') return Buffer.from(v, 'base64');
  throw new Error('unknown value');
}

/** What a cursor is bound to: the model (and its table) and the order keys, tie-breaker included. */
const scopeOf = (meta: ModelMeta, orderKeys: readonly string[]) => `${meta.name}\u0000${meta.tablename}\u0000${orderKeys.join(',')}`;

// A checksum, not a signature: it catches a cursor of another ordering or a damaged string; a forged one can only
// move the reader to another position of rows the queryset would show anyway, since every value is bound.
const digest = (scope: string, body: string) => createHash('sha256').update(`${scope}\u0000${body}`).digest('base64url').slice(0, 22);

/** An opaque cursor (base64url JSON) for the row whose keyset values are `values`, bound to the model and the order keys. */
export function encodeCursor(meta: ModelMeta, orderKeys: readonly string[], values: readonly unknown[]): string {
  const body = JSON.stringify(values.map(pack));
  return Buffer.from(JSON.stringify({ v: VERSION, k: body, h: digest(scopeOf(meta, orderKeys), body) })).toString('base64url');
}

/** The keyset values of a cursor from `encodeCursor`; a `QueryError` when it is malformed, tampered with, or from another ordering or model. */
export function decodeCursor(meta: ModelMeta, orderKeys: readonly string[], cursor: unknown): unknown[] {
  const refuse = (why: string) =>
    new QueryError(
      `cursorPaginate({ after }): ${why}; pass the nextCursor of an earlier page of the same queryset (${meta.name} ordered by ${orderKeys.join(', ')}).`,
    );
  if (typeof cursor !== 'string' || cursor === '' || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse('the cursor is not a cursor string');
  let parsed: { v?: unknown; k?: unknown; h?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('the cursor is malformed');
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.v !== VERSION || typeof parsed.k !== 'string')
    throw refuse('the cursor is malformed or of another keelson version');
  if (parsed.h !== digest(scopeOf(meta, orderKeys), parsed.k)) throw refuse('the cursor was altered, or belongs to another ordering or model');
  try {
    const values = JSON.parse(parsed.k);
    if (!Array.isArray(values) || values.length !== orderKeys.length) throw new Error('length');
    return values.map(unpack);
  } catch {
    throw refuse('the cursor is malformed');
  }
}
