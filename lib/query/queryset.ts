import type { BaseModel } from '../models/base-model';
import type { ModelMeta } from '../metadata/types';
import { QueryCompiler } from './compiler';
import { databaseOf, execute } from './executor';
import { hydratorFor } from './hydrator';
import { insertMany } from './instance-writes';
import type { Lookups, Q } from './q';
import type { QuerySetState } from './state';

/** A lazy, immutable, awaitable query over one model: each method returns a new queryset. */
export class QuerySet<T extends BaseModel> implements PromiseLike<T[]> {
  /** @internal */
  readonly state: QuerySetState;

  constructor(state: QuerySetState) {
    this.state = state;
  }

  /** Every row of a model, on its own database alias. */
  static of<T extends BaseModel>(meta: ModelMeta): QuerySet<T> {
    return new QuerySet<T>({ meta, alias: meta.database, where: [], order: [], distinct: false, selectRelated: [], prefetchRelated: [] });
  }

  /** A copy of this queryset with part of its state replaced. */
  protected derive(change: Partial<QuerySetState>): QuerySet<T> {
    return new QuerySet<T>({ ...this.state, ...change });
  }

  /** Every row. */
  all(): QuerySet<T> {
    return this.derive({});
  }

  /** Rows matching every lookup (and every Q). */
  filter(...clauses: (Lookups | Q)[]): QuerySet<T> {
    return this.derive({ where: [...this.state.where, { negated: false, clauses }] });
  }

  /** Rows not matching the lookups. */
  exclude(...clauses: (Lookups | Q)[]): QuerySet<T> {
    return this.derive({ where: [...this.state.where, { negated: true, clauses }] });
  }

  /** Orders by field names; `-name` sorts descending. */
  orderBy(...keys: string[]): QuerySet<T> {
    return this.derive({ order: keys });
  }

  /** At most `n` rows. */
  limit(n: number): QuerySet<T> {
    return this.derive({ limit: n });
  }

  /** Skips `n` rows. */
  offset(n: number): QuerySet<T> {
    return this.derive({ offset: n });
  }

  /** Runs the query and hydrates instances. */
  async fetch(): Promise<T[]> {
    const { meta, alias } = this.state;
    const db = databaseOf(meta, alias);
    const compiler = new QueryCompiler(this.state, db.driver);
    const hydrate = hydratorFor<T>(meta, db.driver);
    const rows: Record<string, unknown>[] = await execute(db, (runner) => compiler.select(runner));
    const out = new Array<T>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = hydrate(rows[i]);
    return out;
  }

  /** Number of matching rows. */
  async count(): Promise<number> {
    const { meta, alias } = this.state;
    const db = databaseOf(meta, alias);
    const compiler = new QueryCompiler(this.state, db.driver);
    const rows: { count: number | string }[] = await execute(db, (runner) => compiler.count(runner));
    return Number(rows[0].count);
  }

  /** Inserts one row from `values` (defaults applied) and returns the instance with its key. */
  async create(values: Partial<Record<keyof T & string, unknown>> | Record<string, unknown> = {}): Promise<T> {
    const Model = this.state.meta.model as unknown as new (v?: Record<string, unknown>) => T;
    const instance = new Model(values as Record<string, unknown>);
    await insertMany([instance], this.state.alias, this.state.schema);
    return instance;
  }

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
