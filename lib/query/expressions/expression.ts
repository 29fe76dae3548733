import type { Knex } from 'knex';
import type { Dialect } from '../../dialects';
import type { FieldMeta, FieldType, JsKind, ModelMeta } from '../../metadata/types';
import type { Lookups, Q } from '../q';

/**
 * The contract every query expression implements (`F`, `Value`, arithmetic, aggregates, and `Exists`,
 * `Subquery`, `OuterRef` in `subquery.ts`). An expression compiles, inside a {@link CompileScope}, to a SQL
 * fragment with Knex placeholders: `?` for a bound value and `??` for an identifier (a qualified column such
 * as `t0_1.name`, quoted by Knex for the dialect). A binding may also be a Knex query builder or raw: Knex
 * embeds a builder as a parenthesized subquery (`exists ?` with a builder binding gives `exists (select …)`).
 * The fragment is always a complete SQL expression, parenthesized where precedence could matter.
 */
export interface Compiled {
  sql: string;
  bindings: unknown[];
}

/** What an expression's values are: converts the driver's value, and binds values compared with it. */
export interface OutputField {
  type: FieldType;
  jsKind: JsKind;
  /** The column's field when the value is one column's (F('x'), Min('x')); absent for computed values. */
  field?: FieldMeta;
}

/** A column reached from a scope's model by a path (`author__name`), its joins already added. */
export interface ScopeColumn {
  /** The column as a `??` binding: `t0_1.name` (unqualified in an UPDATE). */
  column: string;
  field: FieldMeta;
  /** The path crossed a relation that can repeat rows of the scope's model (reverse FK, many-to-many). */
  multiValued: boolean;
  /** The path needed at least one join. */
  joined: boolean;
}

/** Where an expression is being compiled; messages name it, and some expressions are refused in some places. */
export type ExpressionPlace = 'select' | 'filter' | 'order' | 'update' | 'aggregate' | 'group';

/** What knowing the type of an expression needs: its model, annotations, and the query around it. */
export interface TypeScope {
  readonly meta: ModelMeta;
  /** The query this one is a subquery of (`OuterRef('field')` resolves there). */
  readonly outer?: CompileScope;
  /** An annotation of the queryset by name (`F('nPosts')` reads it), undefined when there is none. */
  annotation(name: string): Expression | undefined;
}

/**
 * One query being compiled: what its expressions resolve against. `resolve` goes through the query
 * compiler (which adds the joins a relation path needs, like filter keys); a subquery compiled inside takes
 * a fresh root alias from `childAlias()` and this scope as its `outer`.
 */
export interface CompileScope extends TypeScope {
  readonly dialect: Dialect;
  /** The Knex (or transaction) the query runs on: subqueries are built with it. */
  readonly runner: Knex | Knex.Transaction;
  /** The alias of the scope's root table (`t0`; the table name itself in an UPDATE). */
  readonly alias: string;
  /** The schema the queried table lives in, when one was chosen (`usingSchema`). */
  readonly schema?: string;
  readonly outer?: CompileScope;
  /** Where the expression is compiled (`update` resolves columns unqualified and refuses relation paths). */
  readonly place: ExpressionPlace;
  /** Resolves a path without lookup (`views`, `author__name`, `pk`); throws `QueryError` naming `context` and the known fields. */
  resolve(path: string, context: string): ScopeColumn;
  /** A root alias for a subquery compiled inside this scope, unique within the statement. */
  childAlias(): string;
  /**
   * Compiles an aggregate for this scope: the scope decides how (over its rows, or as a correlated subquery
   * when the path repeats rows). Absent where aggregates are not allowed (a filter value, an update).
   */
  aggregate?(aggregate: AggregateLike): Compiled;
  /**
   * Filter lookups (as `filter()` takes them: keys relative to the scope's model, `Q` trees) as one condition
   * on the scope's rows, joins added; aggregates' `filter` option compiles through it.
   */
  condition?(clauses: readonly (Q | Lookups)[], context: string): Compiled;
}

/** What a scope needs of an aggregate (implemented in `aggregates.ts`). */
export interface AggregateLike extends Expression {
  /** The aggregated path, undefined for `Count()` of rows. */
  readonly path?: string;
  /** Compiles the aggregate over the rows of `scope` (its path resolved there, joins added). */
  compileOver(scope: CompileScope): Compiled;
  /** Whether its path (or filter) crosses a relation that repeats rows of the scope's model. */
  multiValued?(scope: TypeScope): boolean;
}

/** Options of `asc()` / `desc()`: where NULLs go (else the database's default). */
export interface NullsOrder {
  nullsFirst?: boolean;
  nullsLast?: boolean;
}

const BRAND = Symbol.for('keelson:expression');
const ORDER_BRAND = Symbol.for('keelson:order-by');

/** The base class of every expression. Expressions are immutable: combining them builds new ones. */
export abstract class Expression {
  /** @internal */
  readonly [BRAND] = true;

  /** Compiles to SQL inside `scope`; throws `QueryError` for a bad path or an expression not allowed there. */
  abstract compile(scope: CompileScope): Compiled;

  /** The expressions this one is built from. */
  children(): readonly Expression[] {
    return [];
  }

  /** Whether the expression is or contains an aggregate (`Count`, `Sum`, …). */
  get containsAggregate(): boolean {
    return this.children().some((c) => c.containsAggregate);
  }

  /** The type of the expression's values, undefined when it is unknown (driver values pass through). */
  abstract outputField(scope: TypeScope): OutputField | undefined;

  /** Turns the driver's value into the JS value users get (null stays null, never NaN). */
  convert(value: unknown, dialect: Dialect, output: OutputField | undefined): unknown {
    if (value === null || value === undefined) return value ?? null;
    return output ? dialect.fromDb(output.type, output.jsKind, value) : value;
  }

  /** Ascending order by this expression, for `orderBy`. */
  asc(options: NullsOrder = {}): OrderBy {
    return new OrderBy(this, false, options);
  }

  /** Descending order by this expression, for `orderBy`. */
  desc(options: NullsOrder = {}): OrderBy {
    return new OrderBy(this, true, options);
  }
}

/** An `orderBy` term built by `expr.asc()` / `expr.desc()`. */
export class OrderBy {
  /** @internal */
  readonly [ORDER_BRAND] = true;
  readonly nulls?: 'first' | 'last';

  constructor(
    readonly expression: Expression,
    readonly descending: boolean,
    options: NullsOrder = {},
  ) {
    if (options.nullsFirst && options.nullsLast) throw new TypeError('asc()/desc(): nullsFirst and nullsLast exclude each other.');
    this.nulls = options.nullsFirst ? 'first' : options.nullsLast ? 'last' : undefined;
  }

  /** The opposite order (NULLs placed the other way too, when placed). */
  reversed(): OrderBy {
    const nulls = this.nulls === 'first' ? { nullsLast: true } : this.nulls === 'last' ? { nullsFirst: true } : {};
    return new OrderBy(this.expression, !this.descending, nulls);
  }
}

/** Whether `value` is a keelson expression (works across copies of the package). */
export function isExpression(value: unknown): value is Expression {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Whether `value` is an `orderBy` term built by `asc()` / `desc()`. */
export function isOrderBy(value: unknown): value is OrderBy {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ORDER_BRAND] === true;
}

/** `sql` wrapped in parentheses (every compiled operand is, where precedence could matter). */
export const parens = (c: Compiled): Compiled => ({ sql: `(${c.sql})`, bindings: c.bindings });
