import type { Knex } from 'knex';
import type { Dialect } from '../dialects';
import { QueryError } from '../errors';
import type { BaseModel } from '../models/base-model';
import type { FieldMeta } from '../metadata/types';
import { QueryCompiler } from './compiler';
import type { ComputedColumn } from './expressions/select';
import { QuerySet } from './queryset';
import { initialState, withState, type QuerySetState } from './state';

/** The set operations, by their SQL keyword. */
export type SetOperator = 'union' | 'intersect' | 'except';

/** `union()` / `intersection()` / `difference()` of querysets of one model: what a combined queryset reads. */
export interface Combination {
  operator: SetOperator;
  /** `union(…, { all: true })`: rows found in several operands repeat. */
  all: boolean;
  /** The combined querysets, the receiver first; each keeps its own filters, order and slice. */
  operands: readonly QuerySetState[];
  /** The compiler of a combined queryset's state (the state holds it so the queryset needs no import of this module). */
  compiler(state: QuerySetState, dialect: Dialect): QueryCompiler;
}

/** An operand's state as the compound reads it: every column in field order, nothing joined or locked. */
function operandState(state: QuerySetState, method: string): QuerySetState {
  if (state.annotations?.length || state.groupBy) throw new QueryError(`${method}(): a queryset with annotate() or values() cannot be combined.`);
  return withState(state, { only: undefined, defer: undefined, selectRelated: [], prefetchRelated: [], lock: undefined });
}

const METHODS: Record<SetOperator, string> = { union: 'union', intersect: 'intersection', except: 'difference' };

/**
 * Compiles a combined queryset: `SELECT … FROM (SELECT * FROM (<a>) AS u0 UNION SELECT * FROM (<b>) AS u1) AS t0`
 * with the combination's own order and slice outside. Each operand is a derived table, so its ORDER BY and LIMIT
 * stay its own (SQLite allows neither in a compound's arms, nor parentheses around them).
 */
class CombinedCompiler extends QueryCompiler {
  private get combination(): Combination {
    return this.state.combined!;
  }

  private refuse(what: string): QueryError {
    return new QueryError(
      `${this.state.meta.name}: ${what} cannot follow ${METHODS[this.combination.operator]}(); apply it to the querysets before combining them.`,
    );
  }

  /** The compound statement of the operands (each in its own alias space). */
  private compound(runner: Knex | Knex.Transaction): Knex.QueryBuilder {
    const { operator, all, operands } = this.combination;
    const arms = operands.map((operand, i) => {
      const compiler = operand.combined ? operand.combined.compiler(operand, this.dialect) : new QueryCompiler(operand, this.dialect, `${this.root}c${i}`);
      return runner.select('*').from(compiler.select(runner).query.as(`${this.root}u${i}`));
    });
    const [first, ...rest] = arms;
    if (operator === 'union') return all ? first.unionAll(rest) : first.union(rest);
    return operator === 'intersect' ? first.intersect(rest) : first.except(rest);
  }

  override select(runner: Knex | Knex.Transaction): { query: Knex.QueryBuilder; fields: FieldMeta[]; selected: []; annotations: ComputedColumn[] } {
    const { state } = this;
    if (state.where.length) throw this.refuse('filter() or exclude()');
    if (state.annotations?.length || state.groupBy) throw this.refuse('annotate()');
    if (state.selectRelated.length) throw this.refuse('selectRelated()');
    if (state.lock) throw this.refuse('a row lock');
    const fields = this.selectedFields();
    const qb = runner.select(fields.map((f) => `${this.root}.${f.column}`)).from(this.compound(runner).as(this.root));
    this.applyOrder(qb, state.order);
    if (state.distinct) qb.distinct();
    if (state.limit !== undefined) qb.limit(state.limit);
    if (state.offset !== undefined) qb.offset(state.offset);
    // SQLite and MySQL need a LIMIT before an OFFSET.
    if (state.offset !== undefined && state.limit === undefined) qb.limit(Number.MAX_SAFE_INTEGER);
    return { query: qb, fields, selected: [], annotations: [] };
  }

  override count(runner: Knex | Knex.Transaction): Knex.QueryBuilder {
    return runner.count({ count: '*' }).from(this.select(runner).query.as('page'));
  }

  override exists(runner: Knex | Knex.Transaction): Knex.QueryBuilder {
    return runner.select(runner.raw('1 as one')).from(this.select(runner).query.as('page')).limit(1);
  }

  override selectValues(): never {
    throw this.refuse('values()');
  }

  override aggregate(): never {
    throw this.refuse('aggregate()');
  }

  override writeTarget(): never {
    throw this.refuse('update() or delete()');
  }
}

const compilerOf = (state: QuerySetState, dialect: Dialect): QueryCompiler => new CombinedCompiler(state, dialect);

/** The state of `left` combined with `others` by `operator`; a queryset of another model or database throws `QueryError`. */
export function combine(left: QuerySetState, operator: SetOperator, others: readonly unknown[], all = false): QuerySetState {
  const method = METHODS[operator];
  const operands = [left];
  for (const other of others) {
    if (!(other instanceof QuerySet)) throw new QueryError(`${method}() takes querysets, got ${Object.prototype.toString.call(other)}.`);
    const state = (other as QuerySet<BaseModel>).state;
    if (state.meta !== left.meta) throw new QueryError(`${method}(): a queryset of ${state.meta.name} cannot be combined with one of ${left.meta.name}.`);
    if (state.alias !== left.alias || state.schema !== left.schema) throw new QueryError(`${method}(): the querysets run on different databases or schemas.`);
    operands.push(state);
  }
  const combined: Combination = { operator, all, operands: operands.map((s) => operandState(s, method)), compiler: compilerOf };
  return withState(initialState(left.meta), { alias: left.alias, schema: left.schema, combined });
}

/** `union()`'s trailing options object, when given. */
function unionArgs(args: readonly unknown[]): { others: unknown[]; all: boolean } {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && !(last instanceof QuerySet)) {
    const keys = Object.keys(last);
    if (keys.some((k) => k !== 'all')) throw new QueryError(`union(): unknown option(s) ${keys.filter((k) => k !== 'all').join(', ')} (options: all).`);
    return { others: args.slice(0, -1), all: (last as { all?: boolean }).all === true };
  }
  return { others: [...args], all: false };
}

declare module './queryset' {
  interface QuerySet<T extends BaseModel> {
    /** Rows of this queryset or of any of `others` (each once; `{ all: true }` keeps repeats); order and slice the result. */
    union(...others: (QuerySet<T> | { all?: boolean })[]): QuerySet<T>;
    /** Rows found in this queryset and in every one of `others`. */
    intersection(...others: QuerySet<T>[]): QuerySet<T>;
    /** Rows of this queryset found in none of `others`. */
    difference(...others: QuerySet<T>[]): QuerySet<T>;
  }
}

// Installed here rather than in queryset.ts, which keeps to its size limit; lib/index.ts imports this module.
QuerySet.prototype.union = function union<T extends BaseModel>(this: QuerySet<T>, ...args: (QuerySet<T> | { all?: boolean })[]): QuerySet<T> {
  const { others, all } = unionArgs(args);
  return new QuerySet<T>(combine(this.state, 'union', others, all));
};
QuerySet.prototype.intersection = function intersection<T extends BaseModel>(this: QuerySet<T>, ...others: QuerySet<T>[]): QuerySet<T> {
  return new QuerySet<T>(combine(this.state, 'intersect', others));
};
QuerySet.prototype.difference = function difference<T extends BaseModel>(this: QuerySet<T>, ...others: QuerySet<T>[]): QuerySet<T> {
  return new QuerySet<T>(combine(this.state, 'except', others));
};
