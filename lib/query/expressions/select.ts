import type { Knex } from 'knex';
import type { Dialect } from '../../dialects';
import { QueryError } from '../../errors';
import type { FieldMeta } from '../../metadata/types';
import type { QueryCompiler } from '../compiler';
import { tableQuery } from '../executor';
import type { QuerySetState } from '../state';
import { CompileScope, Compiled, Expression, isExpression, OutputField, TypeScope } from './expression';
import { groupKeySql } from './scope';

/** A computed column of a result row: where it is in the row and how to read it. */
export interface ComputedColumn {
  key: string;
  /** The column's alias in the result row. */
  as: string;
  convert: (value: unknown) => unknown;
}

/** Reads a column of `field` (null and undefined pass through). */
export const fieldReader =
  (field: FieldMeta, dialect: Dialect) =>
  (value: unknown): unknown =>
    value === null || value === undefined ? value : dialect.fromDb(field.type, field.jsKind, value);

/** Reads an expression's values through its output field. */
export function expressionReader(expression: Expression, output: OutputField | undefined, dialect: Dialect): (value: unknown) => unknown {
  return (value) => expression.convert(value, dialect, output);
}

/** Rejects an annotation name that is not an identifier, or that a field, relation, method or other annotation holds. */
export function checkAnnotationName(state: QuerySetState, name: string, expression: unknown): void {
  const { meta } = state;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name.includes('__')) {
    throw new QueryError(`annotate(): "${name}" is not a valid annotation name; use an identifier without "__" (such as "nPosts").`);
  }
  const taken =
    name === 'pk' ||
    meta.fields.has(name) ||
    meta.attnames.has(name) ||
    meta.manyToMany.has(name) ||
    meta.reverse.has(name) ||
    meta.hiddenReverse.has(name) ||
    name in (meta.model as { prototype: object }).prototype;
  if (taken) throw new QueryError(`annotate(): "${name}" clashes with a field, relation or method of ${meta.name}; choose another name.`);
  if (state.annotations?.some(([n]) => n === name)) throw new QueryError(`annotate(): "${name}" is already an annotation of this queryset.`);
  if (typeof expression !== 'object' || expression === null || !('compile' in expression)) {
    throw new QueryError(`annotate(): "${name}" must be an expression such as Count("posts_set") or F("views").times(2).`);
  }
}

/** Selects the state's annotations (per instance) into `qb` as `_a0`, `_a1`, … */
export function selectAnnotations(scope: CompileScope, qb: Knex.QueryBuilder, state: QuerySetState): ComputedColumn[] {
  return (state.annotations ?? []).map(([name, expression], i) => {
    const as = `_a${i}`;
    const { sql, bindings } = expression.compile(scope);
    qb.select(scope.runner.raw(`${sql} as ??`, [...bindings, as] as Knex.RawBinding[]));
    return { key: name, as, convert: expressionReader(expression, expression.outputField(scope), scope.dialect) };
  });
}

/**
 * Groups `qb` by the state's grouping keys and its non-aggregate annotations (as Django does), and checks
 * that every selected key is one of those keys or an annotation.
 */
export function applyGrouping(scope: CompileScope, qb: Knex.QueryBuilder, state: QuerySetState, selected: readonly string[]): void {
  const groupBy = state.groupBy!;
  for (const key of selected) {
    if (!groupBy.includes(key) && !scope.annotation(key)) {
      throw new QueryError(`values("${key}"): the rows are grouped by ${groupBy.map((k) => `"${k}"`).join(', ')}; select those keys or annotations.`);
    }
  }
  for (const key of groupBy) groupByTerm(qb, groupKeySql(scope, key), selected.indexOf(key));
  for (const [name, expression] of state.annotations ?? []) {
    if (expression.containsAggregate || groupBy.includes(name)) continue;
    groupByTerm(qb, expression.compile(scope), selected.indexOf(name));
  }
}

/**
 * One GROUP BY term. An expression with bound values that is selected is grouped by its position in the select
 * list: PostgreSQL cannot tell that `rank * $1` selected and `rank * $2` grouped by are the same expression.
 */
function groupByTerm(qb: Knex.QueryBuilder, term: Compiled, position: number): void {
  if (term.bindings.length && position >= 0) qb.groupByRaw(String(position + 1));
  else qb.groupByRaw(term.sql, term.bindings as Knex.RawBinding[]);
}

/**
 * Selects `values(...keys)` into `qb` as `v0`, `v1`, …: field paths (joined like filter keys) and annotation
 * names. No keys: every field and annotation (grouped: the grouping keys and annotations).
 */
export function selectValueColumns(scope: CompileScope, qb: Knex.QueryBuilder, state: QuerySetState, keys: readonly string[]): ComputedColumn[] {
  const annotations = (state.annotations ?? []).map(([name]) => name);
  const names = keys.length
    ? keys
    : state.groupBy
      ? [...state.groupBy, ...annotations]
      : [...[...state.meta.fields.values()].map((f) => f.attname), ...annotations];
  const columns = names.map((key, i): ComputedColumn => {
    if (typeof key !== 'string') throw new QueryError('values() takes field names.');
    const as = `v${i}`;
    const annotation = scope.annotation(key);
    if (annotation) {
      const { sql, bindings } = annotation.compile(scope);
      qb.select(scope.runner.raw(`${sql} as ??`, [...bindings, as] as Knex.RawBinding[]));
      return { key, as, convert: expressionReader(annotation, annotation.outputField(scope), scope.dialect) };
    }
    const { column, field } = scope.resolve(key, `values("${key}")`);
    qb.select(`${column} as ${as}`);
    return { key, as, convert: fieldReader(field, scope.dialect) };
  });
  if (state.groupBy) applyGrouping(scope, qb, state, names);
  return columns;
}

/** The aggregates of `qs.aggregate({...})` selected over the rows `host` restricts to, as `a0`, `a1`, … */
export function aggregateSelect(
  compiler: QueryCompiler,
  host: QueryCompiler,
  runner: Knex | Knex.Transaction,
  aggregates: readonly (readonly [string, Expression])[],
): { query: Knex.QueryBuilder; columns: ComputedColumn[] } {
  const { state } = compiler;
  if (state.limit !== undefined || state.offset !== undefined || state.distinct) {
    // The rows of the page, as a derived table (MySQL takes no LIMIT in an IN subquery).
    const pk = state.meta.fields.get(state.meta.pkName)!.column;
    const alias = `${compiler.root}p`;
    const page = (r: Knex | Knex.Transaction) => compiler.child(alias).select(r).query.clearSelect().select(`${alias}.${pk}`);
    host.rows = (c, r, qb) => qb.whereIn(`${c.root}.${pk}`, r.select(pk).from(page(r).as('w')));
  }
  if (state.groupBy) throw new QueryError('aggregate() after values(...).annotate(...) is not supported; aggregate the queryset before grouping it.');
  const qb = tableQuery(runner, state.meta, state.schema, host.root, state.alias);
  host.restrictRows(runner, qb, true);
  return { query: qb, columns: selectAggregates(host.scope(qb, 'aggregate'), qb, aggregates) };
}

/** Selects the aggregates of `qs.aggregate({...})` into `qb` as `a0`, `a1`, …, compiled in `scope`. */
export function selectAggregates(scope: CompileScope, qb: Knex.QueryBuilder, aggregates: readonly (readonly [string, Expression])[]): ComputedColumn[] {
  const { runner } = scope;
  if (aggregates.length === 0) throw new QueryError('aggregate() takes at least one aggregate: aggregate({ n: Count() }).');
  return aggregates.map(([name, expression], i): ComputedColumn => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new QueryError(`aggregate(): "${name}" is not a valid name; use an identifier.`);
    if (!isExpression(expression) || !expression.containsAggregate) {
      throw new QueryError(`aggregate(): "${name}" must be an aggregate such as Count() or Sum("views"), got ${String(expression)}.`);
    }
    const as = `a${i}`;
    const { sql, bindings } = expression.compile(scope);
    qb.select(runner.raw(`${sql} as ??`, [...bindings, as] as Knex.RawBinding[]));
    return { key: name, as, convert: expressionReader(expression, expression.outputField(scope), scope.dialect) };
  });
}

/** A result row read through its computed columns. */
export function readRow(row: Record<string, unknown>, columns: readonly ComputedColumn[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const value = c.convert(row[c.as]);
    // Assigned, "__proto__" would set the prototype: it is defined as an own property like any other key.
    if (c.key === '__proto__') Object.defineProperty(out, c.key, { value, enumerable: true, writable: true, configurable: true });
    else out[c.key] = value;
  }
  return out;
}

type RowReader = (row: Record<string, unknown>) => Record<string, unknown>;

/** Compiled row readers by their columns' keys and aliases, each made from the columns' converters. */
const rowReaders = new Map<string, (convert: readonly ComputedColumn['convert'][]) => RowReader>();
/** Layouts kept before the map starts afresh (a service has a few dozen; generated keys must not grow it). */
const MOST_ROW_READERS = 500;

/**
 * The reader of many result rows through `columns`, compiled once per layout: each result object is one object
 * literal whose keys are known when compiled, so V8 builds every row's object alike and fast, where
 * `readRow`'s store under a key that varies goes through a generic lookup for every value.
 */
export function rowReader(columns: readonly ComputedColumn[]): RowReader {
  const layout = columns.map((c) => `${c.key}\0${c.as}`).join('\0\0');
  let make = rowReaders.get(layout);
  if (!make) {
    if (rowReaders.size >= MOST_ROW_READERS) rowReaders.clear();
    // Keys and aliases as JSON string literals: any text is a valid property name there. "__proto__" as a
    // computed key: written plainly, it would set the object's prototype instead of defining a property.
    const property = (key: string) => (key === '__proto__' ? `[${JSON.stringify(key)}]` : JSON.stringify(key));
    const body = columns.map((c, i) => `${property(c.key)}: c[${i}](row[${JSON.stringify(c.as)}])`).join(', ');
    make = new Function('c', `return (row) => ({ ${body} });`) as (convert: readonly ComputedColumn['convert'][]) => RowReader;
    rowReaders.set(layout, make);
  }
  return make(columns.map((c) => c.convert));
}

/** A selected column by its alias in the select list (`"v0"`), standing for the annotation computed there. */
export class SelectAlias extends Expression {
  constructor(
    readonly alias: string,
    readonly annotation: Expression,
  ) {
    super();
  }

  compile(): Compiled {
    return { sql: '??', bindings: [this.alias] };
  }

  outputField(scope: TypeScope): OutputField | undefined {
    return this.annotation.outputField(scope);
  }
}

/**
 * `scope` where the selected non-aggregate annotations of a grouped query read as their select aliases, for its
 * ORDER BY: PostgreSQL cannot match `rank * $3` in an ORDER BY with the grouped `rank * $1` it selects.
 */
export function selectAliasScope(scope: CompileScope, columns: readonly ComputedColumn[]): CompileScope {
  const aliases = new Map(columns.map((c) => [c.key, c.as]));
  return {
    ...scope,
    annotation: (name) => {
      const annotation = scope.annotation(name);
      const as = aliases.get(name);
      return annotation && as && !annotation.containsAggregate ? new SelectAlias(as, annotation) : annotation;
    },
  };
}
