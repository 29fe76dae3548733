import type { Dialect } from '../../dialects';
import { QueryError } from '../../errors';
import { Q, type Lookups } from '../q';
import { Compiled, isExpression, OutputField } from './expression';

/**
 * Lookups as SQL text, for the places Knex's where-builders cannot go: a left-hand side that is an
 * expression (an annotation), a right-hand side that is one (`views__gt: F('likes')`), and HAVING.
 */

const COMPARISONS: Record<string, string> = { exact: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };
const PATTERNS = new Set(['iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith']);

/** A compared value as the driver should bind it. */
function bindable(output: OutputField | undefined, dialect: Dialect, value: unknown, key: string): unknown {
  if (value === undefined) throw new QueryError(`Filter "${key}" has the value undefined; use null or the isnull lookup.`);
  if (typeof value === 'object' && value !== null && 'pk' in value) value = (value as { pk: unknown }).pk;
  if (typeof value === 'function' || (typeof value === 'object' && value !== null && !(value instanceof Date) && !Buffer.isBuffer(value))) {
    throw new QueryError(`Filter "${key}" cannot compare with ${Object.prototype.toString.call(value)}.`);
  }
  return output ? dialect.toDb(output.type, value) : value;
}

/** One side of a comparison that is a compiled expression (`rhs`) for `lookup`, or a refusal naming the key. */
function expressionOperand(lookup: string, value: unknown, key: string, compile: (value: unknown) => Compiled): Compiled {
  if (!(lookup in COMPARISONS)) throw new QueryError(`Filter "${key}": the lookup "${lookup}" does not take an expression; use exact, gt, gte, lt or lte.`);
  return compile(value);
}

/**
 * `lhs <lookup> value` as SQL. `compileValue` compiles a value that is an expression (an F) in the same
 * scope. The lookup was checked when the key was parsed.
 */
export function lookupSql(
  lhs: Compiled,
  output: OutputField | undefined,
  lookup: string,
  value: unknown,
  dialect: Dialect,
  key: string,
  compileValue: (value: unknown) => Compiled,
): Compiled {
  const b = lhs.bindings;
  // A `Subquery()` (subquery.ts marks it: importing it here would close a cycle) is a set of rows for `in`.
  if (lookup === 'in' && isExpression(value) && (value as { rowSet?: boolean }).rowSet === true) {
    const rhs = compileValue(value);
    return { sql: `${lhs.sql} in ${rhs.sql}`, bindings: [...b, ...rhs.bindings] };
  }
  if (isExpression(value)) {
    const rhs = expressionOperand(lookup, value, key, compileValue);
    return { sql: `${lhs.sql} ${COMPARISONS[lookup]} ${rhs.sql}`, bindings: [...b, ...rhs.bindings] };
  }
  if (lookup in COMPARISONS) {
    if (value === null && lookup === 'exact') return { sql: `${lhs.sql} is null`, bindings: b };
    return { sql: `${lhs.sql} ${COMPARISONS[lookup]} ?`, bindings: [...b, bindable(output, dialect, value, key)] };
  }
  switch (lookup) {
    case 'isnull':
      if (typeof value !== 'boolean') throw new QueryError(`Filter "${key}" takes true or false.`);
      return { sql: `${lhs.sql} ${value ? 'is null' : 'is not null'}`, bindings: b };
    case 'in': {
      if (!Array.isArray(value) && !(value instanceof Set)) throw new QueryError(`Filter "${key}" takes an array.`);
      const values = [...(value as Iterable<unknown>)].map((v) => bindable(output, dialect, v, key));
      if (values.length === 0) return { sql: '1 = 0', bindings: [] };
      return { sql: `${lhs.sql} in (${values.map(() => '?').join(', ')})`, bindings: [...b, ...values] };
    }
    case 'range': {
      if (!Array.isArray(value) || value.length !== 2) throw new QueryError(`Filter "${key}" takes [low, high].`);
      const [low, high] = value.map((v) => bindable(output, dialect, v, key));
      return { sql: `${lhs.sql} between ? and ?`, bindings: [...b, low, high] };
    }
  }
  if (PATTERNS.has(lookup)) {
    if (typeof value !== 'string') throw new QueryError(`Filter "${key}" takes a string.`);
    const insensitive = lookup.startsWith('i');
    const mode = (insensitive ? lookup.slice(1) : lookup) as 'exact' | 'contains' | 'startswith' | 'endswith';
    // The left-hand side is pasted where the dialect puts the column; its own bindings come first.
    const match = dialect.match(lhs.sql, mode, value, insensitive);
    return { sql: match.sql, bindings: [...b, ...match.bindings] };
  }
  throw new QueryError(`Filter "${key}": the lookup "${lookup}" cannot apply here.`);
}

/** One filter key of a clause as SQL: the caller resolves the key (column or annotation) and compiles it. */
export type TermSql = (key: string, value: unknown, negated: boolean) => Compiled;

const join = (parts: Compiled[], connector: string): Compiled => ({
  sql: parts.map((p) => `(${p.sql})`).join(` ${connector} `),
  bindings: parts.flatMap((p) => p.bindings),
});

/** A filter call's clauses (lookups and Q trees, ANDed) as SQL; `negated` under an odd number of NOTs. */
export function clausesSql(clauses: readonly (Q | Lookups)[], negated: boolean, term: TermSql): Compiled {
  const parts: Compiled[] = [];
  for (const clause of clauses) {
    if (clause instanceof Q) {
      const childNegated = negated !== clause.negated;
      const children = clause.children.map((child) => clausesSql([child], childNegated, term));
      if (children.length === 0) continue;
      const inner = join(children, clause.connector);
      parts.push(clause.negated ? { sql: `not (${inner.sql})`, bindings: inner.bindings } : inner);
      continue;
    }
    for (const key of Object.keys(clause)) parts.push(term(key, clause[key], negated));
  }
  return parts.length ? join(parts, 'and') : { sql: '1 = 1', bindings: [] };
}

/** Whether any key of the clauses satisfies `test` (Q trees walked). */
export function someKey(clauses: readonly (Q | Lookups)[], test: (key: string, value: unknown) => boolean): boolean {
  return clauses.some((clause) =>
    clause instanceof Q ? someKey(clause.children, test) : Object.keys(clause).some((key) => test(key, (clause as Lookups)[key])),
  );
}
