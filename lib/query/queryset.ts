import { MultipleObjectsReturned, ObjectNotFound, QueryError } from '../errors';
import type { ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { QueryCompiler } from './compiler';
import { resolveCrossDatabase } from './cross-database';
import { bulkUpdate } from './bulk-update';
import { databaseOf, execute, reading, readsOn } from './executor';
import { conflictPlan, insertMany, insertNow, type BulkCreateOptions } from './insert';
import type { Lookups, Q } from './q';
import type { AggregateResult, Annotated, CreateValues, FieldPath, OrderKey, PrefetchPath, SelectPath, WritableValues } from './typed-keys';
import { initialState, whereWith, withState, type QuerySetState } from './state';
import { schemaNameProblem } from '../database/schema-name';
import { getOrCreate, updateOrCreate } from './get-or-create';
import { describeLookups } from './lookup-text';
import type { Expression, OrderBy } from './expressions/expression';
import { annotatedState } from './expressions/annotate';
import { updateRows } from './update';
import { deleteRows } from './delete';
import { reverseOrder } from './expressions/order';
import { rowReader } from './expressions/select';
import { runAggregate, runValues } from './expressions/run';
import { ValuesQuerySet, type ValuesRow } from './expressions/values-queryset';
import { pagingMethods, type PagingMethods } from './paging/methods';
import { lockMethods, type ForUpdate, type LockMethods } from './lock';
import { stateAlias } from './routing';
import { byKey, fetchFrom, SINGLE_ROW, type RowRead } from './fetch';
import { settle, type Maybe } from '../maybe';
import { getByKeyNow } from './shapes/get-shape';
/* eslint-disable @typescript-eslint/no-unsafe-declaration-merging -- QuerySet merges PagingMethods (paging/methods.ts) and LockMethods (lock.ts), for this file's size, assigned at the end */

export type { CreateValues };

// Safe integers only: 1e300 is an integer to JavaScript, but no driver binds it as one.
const nonNegativeInteger = (method: string, n: unknown): number => {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new QueryError(`${method}() takes a non-negative integer up to Number.MAX_SAFE_INTEGER, got ${String(n)}.`);
  }
  return n;
};

/** A lazy, immutable, awaitable query over one model: every chained call returns a new queryset. */
export class QuerySet<T extends BaseModel> implements PromiseLike<T[]>, AsyncIterable<T> {
  /** @internal */
  readonly state: QuerySetState;
  /** Rows already known (a relation loaded by `prefetchRelated`); chained calls drop them. */
  private readonly known?: readonly T[];

  constructor(state: QuerySetState, known?: readonly T[]) {
    this.state = state;
    this.known = known;
  }

  /** Every row of a model, on its own database alias. */
  static of<T extends BaseModel>(meta: ModelMeta): QuerySet<T> {
    return new QuerySet<T>(initialState(meta));
  }

  /** A copy of this queryset with part of its state replaced. */
  protected derive(change: Partial<QuerySetState>): QuerySet<T> {
    return new QuerySet<T>(withState(this.state, change));
  }

  private get model(): new (values?: Record<string, unknown>) => T {
    return this.state.meta.model as unknown as new (values?: Record<string, unknown>) => T;
  }

  // ---- chainable -----------------------------------------------------------------------------------

  /** The same rows (a fresh copy of the queryset). */
  all(): QuerySet<T> {
    return this.known ? new QuerySet<T>(this.state, this.known) : this.derive({});
  }

  /** Rows matching every lookup (and every Q). */
  filter(...clauses: (Lookups<T> | Q<T> | Expression)[]): QuerySet<T> {
    return this.derive({ where: whereWith(this.state.where, { negated: false, clauses: clauses as (Lookups | Q)[] }) });
  }

  /** Rows not matching the lookups. */
  exclude(...clauses: (Lookups<T> | Q<T> | Expression)[]): QuerySet<T> {
    return this.derive({ where: whereWith(this.state.where, { negated: true, clauses: clauses as (Lookups | Q)[] }) });
  }

  /** Orders by field names or paths; `-name` sorts descending. Replaces any earlier order. */
  orderBy(...keys: (OrderKey<T> | OrderBy)[]): QuerySet<T> {
    return this.derive({ order: keys });
  }

  /** At most `n` rows. */
  limit(n: number): QuerySet<T> {
    return this.derive({ limit: nonNegativeInteger('limit', n) });
  }

  /** Skips `n` rows. */
  offset(n: number): QuerySet<T> {
    return this.derive({ offset: nonNegativeInteger('offset', n) });
  }

  /** Removes duplicate rows. */
  distinct(): QuerySet<T> {
    return this.derive({ distinct: true });
  }

  /** Loads forward foreign keys / one-to-ones in the same query by joins (`'author'`, `'author__profile'`). */
  selectRelated(...paths: SelectPath<T>[]): QuerySet<T> {
    return this.derive({ selectRelated: [...this.state.selectRelated, ...paths] });
  }

  /** Loads relations of every kind with one batched query per relation level (`'posts_set__tags'`). */
  prefetchRelated(...paths: PrefetchPath<T>[]): QuerySet<T> {
    return this.derive({ prefetchRelated: [...this.state.prefetchRelated, ...paths] });
  }

  /** Reads only these fields (and the key); the others stay undefined until `load()`. */
  only(...fields: FieldPath<T>[]): QuerySet<T> {
    return this.derive({ only: fields, defer: undefined });
  }

  /** Reads every field but these. */
  defer(...fields: FieldPath<T>[]): QuerySet<T> {
    return this.derive({ defer: [...(this.state.defer ?? []), ...fields], only: undefined });
  }

  /** Runs on another database alias of the registry (same model, same table name there). */
  using(alias: string): QuerySet<T> {
    this.state.meta.registry.databaseFor(alias);
    return this.derive({ alias, pinned: true });
  }

  /** Reads from the database itself, never from one of its read replicas (see `DatabaseOptions.replicas`). */
  usingPrimary(): QuerySet<T> {
    return this.derive({ primary: true });
  }

  /** Runs against the model's table in another schema (schema-per-tenant). */
  usingSchema(schema: string): QuerySet<T> {
    const problem = schemaNameProblem(schema);
    if (problem) throw new QueryError(`usingSchema(): ${problem}.`);
    return this.derive({ schema });
  }

  // ---- reading ---------------------------------------------------------------------------------------

  /**
   * The database and a compiler for this queryset. Filters that leave the database (a relation to a model
   * on another alias) are first answered by a query on that database.
   */
  /** @internal */
  async compile(state: QuerySetState = this.state) {
    const { meta, alias } = state;
    const db = databaseOf(meta, alias);
    const resolved = await resolveCrossDatabase(state, (other, lookups, column) =>
      QuerySet.of<BaseModel>(other).filter(lookups).valuesList(column, { flat: true }),
    );
    return { db, compiler: resolved.combined ? resolved.combined.compiler(resolved, db.driver) : new QueryCompiler(resolved, db.driver) };
  }

  /** Runs the query and hydrates instances (with joined and prefetched relations). */
  fetch(): Promise<T[]> {
    return this.fetchRows(undefined);
  }

  /** @internal `fetch()`, its rows read as `read` says (see `RowRead`). */
  fetchRows(read: RowRead | undefined): Promise<T[]> {
    // A router's wrong answer, an unknown alias: a rejection like every other failure of a query.
    return settle(() => this.fetchNow(read));
  }

  /** @internal `fetchRows()`, answered now (not a promise) when the statement ran now (see `Database.runStatementNow`); throws what fails now. */
  fetchNow(read: RowRead | undefined): Maybe<T[]> {
    if (this.known) return [...this.known];
    const qs = this.forRead();
    const db = readsOn(qs.state);
    // Decided now (no replica in play): no closure for the read.
    return db ? fetchFrom(qs, db, read, QuerySet.of) : reading(qs.state, (target) => fetchFrom(qs, target, read, QuerySet.of));
  }

  /**
   * @internal This queryset on the alias the registry's router sends its reads to (itself when `using()` named
   * one, or without a router): compiled for that alias's schema, and instances remember where they came from.
   */
  forRead(): QuerySet<T> {
    const alias = stateAlias(this.state, 'read');
    return alias === this.state.alias ? this : this.using(alias);
  }

  /** Number of matching rows (respecting limit and offset). */
  async count(): Promise<number> {
    if (this.known) return this.known.length;
    const qs = this.forRead();
    const { compiler } = await qs.compile();
    const rows: { count: number | string }[] = await reading(qs.state, (db) => execute(db, (runner) => compiler.count(runner)));
    return Number(rows[0].count);
  }

  /** Whether any row matches. */
  async exists(): Promise<boolean> {
    if (this.known) return this.known.length > 0;
    const qs = this.forRead();
    const { compiler } = await qs.compile();
    const rows: unknown[] = await reading(qs.state, (db) => execute(db, (runner) => compiler.exists(runner)));
    return rows.length > 0;
  }

  /** The first row in the queryset's order (by key when unordered), or null. */
  async first(): Promise<T | null> {
    const ordered = this.state.order.length ? this : this.orderBy(this.state.meta.pkName as OrderKey<T>);
    const [row] = await ordered.limit(1).fetch();
    return row ?? null;
  }

  /** The last row in the queryset's order (by key when unordered), or null. */
  async last(): Promise<T | null> {
    const order = this.state.order.length ? this.state.order : [this.state.meta.pkName];
    const reversed = reverseOrder(order);
    const [row] = await this.orderBy(...(reversed as OrderKey<T>[]))
      .limit(1)
      .fetch();
    return row ?? null;
  }

  /** The one row matching the lookups; throws `ObjectNotFound` or `MultipleObjectsReturned`. */
  get(lookups?: Lookups<T> | Q<T>): Promise<T> {
    try {
      const key = byKey(this.state, lookups);
      // By primary key on a plain queryset: a statement of its own (see `getByKeyNow`), else the general way.
      const fast = key === undefined ? undefined : getByKeyNow<T>(this.state, key, (lookups as Record<string, unknown>)[key]);
      const rows = fast instanceof Promise ? fast.then((found) => found ?? this.rowsOf(lookups, key)) : (fast ?? this.rowsOf(lookups, key));
      // No closure when the rows came now (a synchronous driver).
      return rows instanceof Promise ? rows.then((found) => this.one(found, lookups)) : Promise.resolve(this.one(rows, lookups));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The rows `get(lookups)` tells one from none and several by: the lookups as a filter, a limit of two. */
  private rowsOf(lookups: Lookups<T> | Q<T> | undefined, key: string | undefined): Maybe<T[]> {
    // One derived state for the filter and the limit.
    const where = lookups ? whereWith(this.state.where, { negated: false, clauses: [lookups as Lookups] }) : this.state.where;
    return this.derive({ where, limit: 2 }).fetchNow(key !== undefined ? SINGLE_ROW : undefined);
  }

  /** The only row of `rows`, read for `get(lookups)`. */
  private one(rows: readonly T[], lookups: Lookups<T> | Q<T> | undefined): T {
    const { name } = this.state.meta;
    if (rows.length === 0) throw new ObjectNotFound(`No ${name} matches ${describeLookups(lookups as Lookups)}.`);
    if (rows.length > 1)
      throw new MultipleObjectsReturned(`More than one ${name} matches ${describeLookups(lookups as Lookups)}; narrow the lookups or use filter().`);
    return rows[0];
  }

  /** The one row matching the lookups, or null when none does (still throws when several do). */
  async getOrNone(lookups?: Lookups<T> | Q<T>): Promise<T | null> {
    try {
      return await this.get(lookups);
    } catch (error) {
      if (error instanceof ObjectNotFound) return null;
      throw error;
    }
  }

  /** Plain objects of the named fields or paths (every field when none is named). */
  values(...keys: FieldPath<T>[]): ValuesQuerySet<T> {
    return new ValuesQuerySet<T>(this, keys);
  }

  /** @internal The rows of `values(...keys)`. */
  async fetchValues(keys: readonly string[]): Promise<ValuesRow[]> {
    const { rows, columns } = await this.selectValues(keys);
    return rows.map(rowReader(columns));
  }

  /** Adds computed values to every instance (`annotate({ nPosts: Count('posts_set') })`), readable, filterable and orderable by name. */
  annotate<A extends Record<string, Expression>>(annotations: A): QuerySet<Annotated<T, A>> {
    return this.derive(annotatedState(this.state, annotations)) as unknown as QuerySet<Annotated<T, A>>;
  }

  /** @internal `annotate()` after `values(...keys)`: grouped by the keys when there are some. */
  annotateGrouped(annotations: Record<string, Expression>, keys: readonly string[]): QuerySet<T> {
    return this.derive(annotatedState(this.state, annotations, keys));
  }

  /** Computes aggregates over the rows (a slice: the page's rows): `aggregate({ n: Count(), total: Sum('views') })`. */
  async aggregate<A extends Record<string, Expression>>(aggregates: A): Promise<AggregateResult<A>> {
    return (await runAggregate(this, aggregates)) as AggregateResult<A>;
  }

  /** Arrays of the named fields' values; with `{ flat: true }` and one field, the bare values. */
  valuesList(...args: (FieldPath<T> | { flat?: boolean })[]): Promise<unknown[]> {
    const last = args[args.length - 1];
    const flat = typeof last === 'object' && last !== null && last.flat === true;
    const keys = (args as unknown[]).filter((a): a is string => typeof a === 'string');
    if (args.some((a) => typeof a !== 'string' && (typeof a !== 'object' || a === null))) {
      throw new QueryError('valuesList() takes field names and an optional { flat: true }.');
    }
    if (flat && keys.length !== 1) throw new QueryError(`valuesList(..., { flat: true }) takes exactly one field, got ${keys.length}.`);
    return this.selectValues(keys).then(({ rows, columns }) =>
      flat ? rows.map((row) => columns[0].convert(row[columns[0].as])) : rows.map((row) => columns.map((c) => c.convert(row[c.as]))),
    );
  }

  private selectValues(keys: readonly string[]) {
    return runValues(this, keys);
  }

  // ---- writing ---------------------------------------------------------------------------------------

  /** Inserts one row from `values` (defaults applied, validated) and returns the instance with its key. */
  create(values: CreateValues<T> = {} as CreateValues<T>): Promise<T> {
    try {
      const instance = new this.model(values as Record<string, unknown>);
      const inserted = insertNow([instance], { alias: stateAlias(this.state, 'write'), schema: this.state.schema });
      return inserted instanceof Promise ? inserted.then(() => instance) : Promise.resolve(instance);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Inserts many rows (instances or value objects) in batches within one transaction, all validated first (a bad one writes
   * nothing); `ignoreConflicts` skips rows duplicating a unique key, `updateConflicts` upserts (see `BulkCreateOptions`). Returns
   * the instances, with their keys where the database reports them (not for rows `ignoreConflicts` skipped).
   */
  async bulkCreate(items: readonly (T | CreateValues<T>)[], options: BulkCreateOptions<T> = {}): Promise<T[]> {
    const Model = this.model;
    const conflict = conflictPlan(this.state.meta, options);
    const instances = items.map((item) => (item instanceof Model ? item : new Model(item as Record<string, unknown>)));
    await insertMany(instances, { alias: stateAlias(this.state, 'write'), schema: this.state.schema, batchSize: options.batchSize, bulk: true, conflict });
    return instances;
  }

  /** Writes only `fields` of each saved instance, in one transaction, after validating those fields. */
  bulkUpdate(instances: readonly T[], fields: readonly string[]): Promise<number> {
    return bulkUpdate(this.state, instances, fields);
  }

  /**
   * `[instance, false]` for the row matching `lookups`, else `[created, true]` from lookups and `defaults`.
   * Safe under concurrency: when another call inserts the same unique key between the read and the insert,
   * the insert fails (inside a savepoint when a transaction is open, so the transaction goes on) and the
   * winner's row is read again and returned, as Django does.
   */
  getOrCreate(lookups: Lookups<T>, defaults: WritableValues<T> = {}): Promise<[T, boolean]> {
    return getOrCreate(this, lookups, defaults);
  }

  /**
   * Updates the row matching `lookups` with `defaults` (`[instance, false]`), or creates it (`[instance, true]`),
   * in one transaction. A concurrent call that created the row first makes this one update it instead.
   */
  updateOrCreate(lookups: Lookups<T>, defaults: WritableValues<T> = {}): Promise<[T, boolean]> {
    return updateOrCreate(this, lookups, defaults);
  }

  /** @internal The same rows, read with a row lock (see `QuerySetState.lock`). */
  locked(lock: 'share' | 'update', forUpdate?: ForUpdate): QuerySet<T> {
    return this.derive({ lock, forUpdate });
  }

  /**
   * Sets `values` on every matching row (validated first); returns the number of rows. Sends preUpdate
   * before and postUpdate after the statement, once each, as `(Model, null, { queryset, values })`
   * (postUpdate's extra also has `count`); a throwing preUpdate receiver prevents the update.
   */
  update(changes: WritableValues<T>): Promise<number> {
    return updateRows(this, changes as Record<string, unknown>);
  }

  /** Deletes every matching row (sending preDelete / postDelete per instance when receivers exist); returns the count. */
  delete(): Promise<number> {
    return deleteRows(this);
  }

  // ---- protocols -------------------------------------------------------------------------------------

  then<R1 = T[], R2 = never>(
    onfulfilled?: ((value: T[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.fetch().then(onfulfilled, onrejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const item of await this.fetch()) yield item;
  }
}

export interface QuerySet<T extends BaseModel> extends PagingMethods<T>, LockMethods<T> {}
Object.assign(QuerySet.prototype, pagingMethods, lockMethods);
