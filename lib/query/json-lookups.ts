import type { Knex } from 'knex';
import type { Dialect } from '../dialects';
import type { JsonStep, SqlFragment } from '../dialects/json-sql';
import { NotSupportedError, QueryError } from '../errors';

const OPERATORS: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

type Scalar = string | number | boolean | null;

const isScalar = (v: unknown): v is Scalar => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null && !(v instanceof Date) && !Buffer.isBuffer(v);

const and = (...parts: SqlFragment[]): SqlFragment => ({ sql: `(${parts.map((p) => p.sql).join(' and ')})`, bindings: parts.flatMap((p) => p.bindings) });

const or = (parts: SqlFragment[]): SqlFragment =>
  parts.length ? { sql: `(${parts.map((p) => p.sql).join(' or ')})`, bindings: parts.flatMap((p) => p.bindings) } : { sql: '(1 = 0)', bindings: [] };

const not = (part: SqlFragment): SqlFragment => ({ sql: `(not ${part.sql})`, bindings: part.bindings });

/** Builds the condition of one lookup on the JSON value at a path of one column. */
class JsonCondition {
  constructor(
    private readonly dialect: Dialect,
    private readonly column: string,
    private readonly path: readonly JsonStep[],
    private readonly key: string,
  ) {}

  private get json() {
    return this.dialect.json;
  }

  private fail(expects: string, value: unknown): QueryError {
    return new QueryError(`Filter "${this.key}" on a JSON value takes ${expects}, got ${describe(value)}.`);
  }

  /** A string compares as text, a number as a number, true/false/null as themselves; each only with its own JSON kind. */
  exact(value: unknown): SqlFragment {
    const { json, column, path } = this;
    if (value === null) return json.kindIs(column, path, 'null');
    if (typeof value === 'boolean') return json.kindIs(column, path, value ? 'true' : 'false');
    if (typeof value === 'string') return and(json.kindIs(column, path, 'string'), this.compareText('=', value));
    if (typeof value === 'number' && Number.isFinite(value)) return this.compareNumber('=', value);
    if (isContainer(value)) {
      if (!json.equals) {
        throw new NotSupportedError(
          `Filter "${this.key}": ${this.dialect.displayName} cannot compare a JSON object or array for equality reliably (key order); use "__contains".`,
        );
      }
      return json.equals(column, path, JSON.stringify(value));
    }
    throw this.fail('a string, number, boolean, null, object or array', value);
  }

  private compareText(op: string, value: string): SqlFragment {
    const text = this.json.text(this.column, this.path);
    return { sql: `(${text.sql} ${op} ?)`, bindings: [...text.bindings, value] };
  }

  private compareNumber(op: string, value: number): SqlFragment {
    const n = this.json.number(this.column, this.path);
    return { sql: `coalesce(${n.sql} ${op} ?, false)`, bindings: [...n.bindings, value] };
  }

  /** `gt`/`gte`/`lt`/`lte`: numbers with JSON numbers, strings with JSON strings (as text). */
  compare(lookup: string, value: unknown): SqlFragment {
    const op = OPERATORS[lookup];
    if (typeof value === 'number' && Number.isFinite(value)) return this.compareNumber(op, value);
    if (typeof value === 'string') return and(this.json.kindIs(this.column, this.path, 'string'), this.compareText(op, value));
    throw this.fail('a number or a string', value);
  }

  /** `contains`, `startswith`, `iexact` …: a pattern over a JSON string's text. */
  match(lookup: string, value: string): SqlFragment {
    const insensitive = lookup.startsWith('i');
    const mode = (insensitive ? lookup.slice(1) : lookup) as 'exact' | 'contains' | 'startswith' | 'endswith';
    const text = this.json.text(this.column, this.path);
    const m = this.dialect.match(`(${text.sql})`, mode, value, insensitive);
    return and(this.json.kindIs(this.column, this.path, 'string'), { sql: `(${m.sql})`, bindings: [...text.bindings, ...m.bindings] });
  }

  /** JSON containment: every key of an object (recursively), every element of an array. */
  contains(value: object): SqlFragment {
    if (!this.json.contains) {
      throw new NotSupportedError(`Filter "${this.key}": ${this.dialect.displayName} cannot test JSON containment; it supports key paths and has_key.`);
    }
    return this.json.contains(this.column, this.path, JSON.stringify(value));
  }

  /** The keys of `has_key` / `has_keys` / `has_any_keys`, checked. */
  keys(lookup: string, value: unknown): string[] {
    if (lookup === 'has_key') {
      if (typeof value !== 'string') throw this.fail('a key (a string)', value);
      return [value];
    }
    if (!Array.isArray(value) || value.length === 0 || !value.every((k) => typeof k === 'string'))
      throw this.fail('a non-empty array of keys (strings)', value);
    return value;
  }

  /** The path exists (its value may be JSON null). */
  present(): SqlFragment {
    return this.json.hasKey(this.column, this.path);
  }

  hasKeys(lookup: string, value: unknown): SqlFragment {
    const parts = this.keys(lookup, value).map((k) => this.json.hasKey(this.column, [...this.path, k]));
    return lookup === 'has_any_keys' ? or(parts) : and(...parts);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null || value === undefined || typeof value !== 'object' ? String(value) : Object.prototype.toString.call(value);
}

/** The condition of one lookup at a JSON path (`settings__theme`, `settings__tags__0__gt`, `settings__has_key`). */
function jsonCondition(c: JsonCondition, lookup: string, value: unknown, key: string, root: boolean): SqlFragment {
  switch (lookup) {
    case 'exact':
      return c.exact(value);
    case 'isnull':
      if (typeof value !== 'boolean') throw new QueryError(`Filter "${key}" takes true or false.`);
      return value ? not(c.present()) : c.present();
    case 'in':
      if (!Array.isArray(value)) throw new QueryError(`Filter "${key}" takes an array.`);
      if (!value.every(isScalar)) throw new QueryError(`Filter "${key}" takes an array of strings, numbers, booleans or null.`);
      return or(value.map((v) => c.exact(v)));
    case 'range':
      if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== typeof value[1])
        throw new QueryError(`Filter "${key}" takes [low, high] of one type.`);
      return and(c.compare('gte', value[0]), c.compare('lte', value[1]));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return c.compare(lookup, value);
    case 'has_key':
    case 'has_keys':
    case 'has_any_keys':
      return c.hasKeys(lookup, value);
    case 'contains':
      if (isContainer(value) && !(value instanceof Set)) return c.contains(value);
      if (root) throw new QueryError(`Filter "${key}" takes a JSON object or array (JSON containment), got ${describe(value)}.`);
      break;
  }
  if (typeof value !== 'string') throw new QueryError(`Filter "${key}" takes a string.`);
  return c.match(lookup, value);
}

/** Adds a lookup on the JSON value at `path` of `column` to a where builder. */
export function applyJsonLookup(
  qb: Knex.QueryBuilder,
  column: string,
  path: readonly JsonStep[],
  lookup: string,
  value: unknown,
  dialect: Dialect,
  key: string,
): void {
  if (value === undefined) throw new QueryError(`Filter "${key}" has the value undefined; use null or the isnull lookup.`);
  const { sql, bindings } = jsonCondition(new JsonCondition(dialect, column, path, key), lookup, value, key, path.length === 0);
  qb.whereRaw(sql, bindings as Knex.Value[]);
}
