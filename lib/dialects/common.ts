import type { Knex } from 'knex';
import type { ColumnDefinition } from '../metadata/table-definition';
import type { FieldType, JsKind } from '../metadata/types';
import type { ParsedUrl } from '../database/url';
import type { IntrospectedColumn } from './introspection';
import { arraysNotSupported } from './raw-column';
import type { Dialect, StatementRows } from './dialect';
import { andThen } from '../maybe';

/**
 * The body of a single-quoted SQL string literal for `value`: quotes doubled, and backslashes doubled where the
 * database reads them as escapes (MySQL/MariaDB). Knex pastes enum choices between quotes without escaping them.
 */
export function quotedBody(value: string | number, backslashEscapes = false): string {
  const text = String(value).replace(/'/g, "''");
  return backslashEscapes ? text.replace(/\\/g, '\\\\') : text;
}

/** Column builder shared by every dialect; a dialect overrides only the types it stores differently. */
export function addPortableColumn(t: Knex.CreateTableBuilder, c: ColumnDefinition, backslashEscapes = false): Knex.ColumnBuilder {
  switch (c.type) {
    case 'smallint':
      return t.smallint(c.name);
    case 'integer':
      return c.autoincrement ? t.increments(c.name) : t.integer(c.name);
    case 'bigint':
      return c.autoincrement ? t.bigIncrements(c.name) : t.bigInteger(c.name);
    case 'float':
      return t.double(c.name);
    case 'decimal':
      return t.decimal(c.name, c.precision ?? 10, c.scale ?? 2);
    case 'string':
      return t.string(c.name, c.maxLength ?? 255);
    case 'text':
      return t.text(c.name);
    case 'boolean':
      return t.boolean(c.name);
    case 'date':
      return t.date(c.name);
    case 'datetime':
      return t.datetime(c.name);
    case 'time':
      return t.time(c.name);
    case 'json':
      return t.json(c.name);
    case 'uuid':
      return t.uuid(c.name);
    case 'binary':
      return t.binary(c.name);
    case 'enum':
      return t.enu(
        c.name,
        (c.choices ?? []).map((choice) => quotedBody(choice, backslashEscapes)),
      );
    case 'array':
      // Dialects with arrays write them before reaching here.
      throw arraysNotSupported('this database', c);
  }
}

/** The precision and scale keelson gives a decimal column (see `addPortableColumn`). */
export function decimalSize(c: ColumnDefinition): { precision: number; scale: number } {
  return { precision: c.precision ?? 10, scale: c.scale ?? 2 };
}

/** The length keelson gives a string column (see `addPortableColumn`). */
export function stringLength(c: ColumnDefinition): number {
  return c.maxLength ?? 255;
}

/** A database type name taken apart. */
export interface TypeParts {
  /** Lowercased, single-spaced name without its parentheses: `varchar`, `character varying`, `int`, `enum`. */
  base: string;
  /** The numbers in its parentheses (`varchar(120)` → [120]); empty when there are none or they are not numbers. */
  args: number[];
  /** Words after the parentheses (`unsigned`, `zerofill`), lowercased. */
  modifiers: string[];
}

/** Takes a type name as a database prints it apart: `int(10) unsigned`, `character varying(120)`, `DECIMAL(10, 2)`. */
export function typeParts(dbType: string): TypeParts {
  let text = dbType.trim().toLowerCase().replace(/\s+/g, ' ');
  const modifiers: string[] = [];
  for (let m = /\s+(unsigned|signed|zerofill)$/.exec(text); m; m = /\s+(unsigned|signed|zerofill)$/.exec(text)) {
    modifiers.unshift(m[1]);
    text = text.slice(0, m.index);
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return { base: text, args: [], modifiers };
  const inside = text
    .slice(open + 1, close)
    .split(',')
    .map((a) => a.trim());
  const args = inside.every((a) => /^\d+$/.test(a)) ? inside.map(Number) : [];
  // `timestamp(3) with time zone`: the words after the parentheses belong to the name.
  const base = `${text.slice(0, open).trim()} ${text.slice(close + 1).trim()}`.trim();
  return { base, args, modifiers };
}

/** Whether the parts are exactly `base` with `args` (none when omitted). */
export function isType(parts: TypeParts, base: string, args: number[] = []): boolean {
  return parts.base === base && parts.args.length === args.length && parts.args.every((a, i) => a === args[i]);
}

/** Whether the live decimal column has the model's precision and scale. */
export function sameDecimalSize(c: ColumnDefinition, live: IntrospectedColumn): boolean {
  const { precision, scale } = decimalSize(c);
  return live.precision === precision && (live.scale ?? 0) === scale;
}

/**
 * Whether an enum's live choices are the model's (compared as strings). `ordered` where the order is part of
 * the type (MySQL's ENUM); a CHECK (… IN …) list is a set.
 */
export function sameChoices(model: readonly (string | number)[] | undefined, live: readonly string[] | undefined, ordered: boolean): boolean {
  if (!live) return false;
  const want = (model ?? []).map(String);
  if (ordered) return want.length === live.length && want.every((v, i) => v === live[i]);
  const have = new Set(live);
  return new Set(want).size === have.size && want.every((v) => have.has(v));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD` of a Date in UTC. */
export function isoDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/**
 * Value conversions every dialect shares; dialects wrap them for their own driver quirks. A datetime given as
 * an ISO string becomes a Date, so it is stored (and compared in filters) in the one form a Date gets.
 */
export function portableToDb(type: FieldType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (type) {
    case 'json':
      return JSON.stringify(value);
    case 'date':
      return value instanceof Date ? isoDate(value) : value;
    case 'datetime':
      return typeof value === 'string' ? new Date(value) : value;
    // Validation keeps integers within 32 bits, so a bigint is always an exact number here.
    case 'smallint':
    case 'integer':
      return typeof value === 'bigint' ? Number(value) : value;
    case 'bigint':
    case 'decimal':
      return typeof value === 'bigint' ? value.toString() : value;
    default:
      return value;
  }
}

/** Turns a driver value into the JS representation the field asks for. */
export function portableFromDb(type: FieldType, jsKind: JsKind, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (type) {
    case 'bigint':
    case 'decimal':
    case 'smallint':
    case 'integer':
    case 'float':
      if (jsKind === 'bigint') return typeof value === 'bigint' ? value : BigInt(value as string | number);
      if (jsKind === 'string') return String(value);
      return typeof value === 'number' ? value : Number(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : Boolean(Number(value));
    case 'json':
      return typeof value === 'string' ? JSON.parse(value) : value;
    case 'datetime':
      return value instanceof Date ? value : new Date(value as string | number);
    case 'date': {
      const text = value instanceof Date ? isoDate(value) : String(value).slice(0, 10);
      return jsKind === 'date' ? new Date(`${text}T00:00:00Z`) : text;
    }
    case 'binary':
      return Buffer.isBuffer(value) ? value : Buffer.from(value as string);
    default:
      return value;
  }
}

/** The `code` property every driver puts on its errors. */
export function driverErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Node's network error codes: the server could not be reached or the socket broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * A `Dialect.connectionFailure`: whether an error (or one it wraps) says the connection to the server failed or
 * broke, rather than what a statement did. Network errors, Knex's timeout waiting for a connection, and the
 * codes `serverCodes` accepts.
 */
export function connectionFailureWith(serverCodes: (code: string) => boolean, messages: RegExp) {
  return (error: unknown): boolean => {
    for (
      let e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | null, depth = 0;
      e && depth < 4;
      e = e.cause as typeof e, depth++
    ) {
      if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || serverCodes(e.code))) return true;
      if (e.name === 'KnexTimeoutError') return true;
      if (typeof e.message === 'string' && messages.test(e.message)) return true;
    }
    return false;
  };
}

/** Escapes LIKE wildcards with `!` (an escape character that needs no quoting on any dialect). */
export function likePattern(mode: 'exact' | 'contains' | 'startswith' | 'endswith', value: string): string {
  const escaped = value.replace(/[!%_]/g, (c) => `!${c}`);
  switch (mode) {
    case 'exact':
      return escaped;
    case 'contains':
      return `%${escaped}%`;
    case 'startswith':
      return `${escaped}%`;
    case 'endswith':
      return `%${escaped}`;
  }
}

/** Host, port and credentials of a server URL, as every network driver takes them. */
export function serverConnection(url: ParsedUrl, defaultPort: number) {
  return { host: url.host, port: url.port ?? defaultPort, user: url.user, password: url.password };
}

/** `"name"` (or `` `name` ``): identifiers here come from model metadata, never from user input. */
export function quoteWith(quote: '"' | '`') {
  // Every insert quotes its table and columns again: the few names a schema has are quoted once and kept.
  const quoted = new Map<string, string>();
  return (name: string): string => {
    let out = quoted.get(name);
    if (out === undefined) {
      out = `${quote}${name.split(quote).join(quote + quote)}${quote}`;
      if (quoted.size >= 10_000) quoted.clear();
      quoted.set(name, out);
    }
    return out;
  };
}

/** A bound parameter's placeholder in a statement, given its 1-based position: the dialect's own. */
export type Marker = (position: number) => string;

/** `?`, the placeholder of SQLite and MySQL. */
export const questionMark: Marker = () => '?';

/** `$1`, `$2`…: PostgreSQL's numbered placeholders (written directly, the SQL is not scanned to number `?` afterwards). */
export const numberedMarker: Marker = (position) => `$${position}`;

/**
 * SQL and bindings of a multi-row `INSERT … VALUES` in the dialect's own placeholders (`marker`); a missing value
 * becomes `missing` (DEFAULT where the dialect has it). Built directly rather than through Knex, whose SQLite
 * form (`SELECT … UNION ALL`) is slower and capped at 500 rows.
 */
export function insertValuesSql(
  quote: (name: string) => string,
  table: { schema?: string; name: string },
  columns: string[],
  rows: unknown[][],
  missing: string,
  marker: Marker = questionMark,
): { sql: string; bindings: unknown[] } {
  const bindings: unknown[] = [];
  const tuples = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    let tuple = '(';
    for (let c = 0; c < columns.length; c++) {
      if (c) tuple += ', ';
      const value = row[c];
      if (value === undefined) tuple += missing;
      else tuple += marker(bindings.push(value));
    }
    tuples[r] = tuple + ')';
  }
  const target = table.schema ? `${quote(table.schema)}.${quote(table.name)}` : quote(table.name);
  const sql = columns.length ? `insert into ${target} (${columns.map(quote).join(', ')}) values ${tuples.join(', ')}` : `insert into ${target} default values`;
  return { sql, bindings };
}

/** `insertRows` of a dialect with `INSERT … RETURNING`: the keys as the statement returns them, at once where it answered at once. */
export function insertRowsReturning(quote: (name: string) => string, missing: string, marker: Marker): Dialect['insertRows'] {
  // The SQL of one-row inserts, by column list (the caller hands the same array for the same columns), schema and table:
  // the same string every time, so neither it nor the driver's lookups by its text (prepared statements) hash it anew.
  const oneRow = new WeakMap<readonly string[], Map<string | undefined, Map<string, string>>>();
  return (run, table, columns, rows, keyColumn) => {
    if (rows.length === 1 && !rows[0].includes(undefined)) {
      let bySchema = oneRow.get(columns);
      if (!bySchema) oneRow.set(columns, (bySchema = new Map()));
      let byTable = bySchema.get(table.schema);
      if (!byTable) bySchema.set(table.schema, (byTable = new Map()));
      let sql = byTable.get(table.name);
      if (sql === undefined)
        byTable.set(table.name, (sql = `${insertValuesSql(quote, table, columns, rows, missing, marker).sql} returning ${quote(keyColumn)}`));
      return andThen(run(sql, rows[0], 'first'), keysOf, keyColumn);
    }
    const { sql, bindings } = insertValuesSql(quote, table, columns, rows, missing, marker);
    return andThen(run(`${sql} returning ${quote(keyColumn)}`, bindings, 'rows'), keysOf, keyColumn);
  };
}

/** The `keyColumn` of each row `INSERT … RETURNING` gave. */
function keysOf(result: StatementRows | number, keyColumn: string): unknown[] {
  const rows = result as Record<string, unknown>[];
  const keys = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) keys[i] = rows[i][keyColumn];
  return keys;
}

type AfterCreate = (conn: unknown, done: (err: Error | null, conn: unknown) => void) => void;

/**
 * A user's Knex pool options with keelson's `afterCreate` hook run first on each new connection, then the
 * user's own (if any) once keelson's succeeded.
 */
export function withAfterCreate(pool: Knex.PoolConfig | undefined, hook: AfterCreate): Knex.PoolConfig {
  const merged = { ...(pool ?? {}) } as Knex.PoolConfig & { afterCreate?: AfterCreate };
  const userAfterCreate = merged.afterCreate;
  merged.afterCreate = (conn, done) => {
    hook(conn, (err) => {
      if (err || !userAfterCreate) done(err, conn);
      else userAfterCreate(conn, done);
    });
  };
  return merged;
}

/** A value as a comparable text: equal values give equal texts (`Date`s by instant, buffers by bytes, the type kept). */
export const valueKey = (value: unknown): string =>
  value instanceof Date ? `d:${value.getTime()}` : Buffer.isBuffer(value) ? `b:${value.toString('hex')}` : `${typeof value}:${String(value)}`;
