import type { BaseModel } from '../models/base-model';
import type { ModelClass } from '../metadata/types';
import { CreateValues, QuerySet } from './queryset';
import { rawInstances } from './raw';
import type { Lookups, Q } from './q';
import type { AggregateResult, Annotated, FieldPath, OrderKey, PrefetchPath, SelectPath, WritableValues } from './typed-keys';
import type { Expression, OrderBy } from './expressions/expression';
import type { CursorPage, Page } from './paging/paginate';
import type { ValuesQuerySet } from './expressions/values-queryset';
import type { BulkCreateOptions } from './upsert';
import type { SelectForUpdateOptions } from './lock';

/**
 * Entry point of queries on a model (`User.query`): every queryset method starts here. Subclass it and
 * override `getQuerySet()` for a custom manager, declared as a static property:
 * `static published = new PublishedManager()`.
 */
export class Manager<T extends BaseModel> {
  /** The model this manager queries; bound by the registry when the model is declared. */
  model?: ModelClass<T>;

  constructor(model?: ModelClass<T>) {
    this.model = model;
  }

  /** The queryset every method starts from. */
  getQuerySet(): QuerySet<T> {
    if (!this.model) throw new Error('This manager is not bound to a model: declare it as a static property of a @Model class.');
    return QuerySet.of<T>(this.model.meta);
  }

  all(): QuerySet<T> {
    return this.getQuerySet();
  }
  filter(...clauses: (Lookups<T> | Q<T> | Expression)[]): QuerySet<T> {
    return this.getQuerySet().filter(...clauses);
  }
  exclude(...clauses: (Lookups<T> | Q<T> | Expression)[]): QuerySet<T> {
    return this.getQuerySet().exclude(...clauses);
  }
  orderBy(...keys: (OrderKey<T> | OrderBy)[]): QuerySet<T> {
    return this.getQuerySet().orderBy(...keys);
  }
  limit(n: number): QuerySet<T> {
    return this.getQuerySet().limit(n);
  }
  offset(n: number): QuerySet<T> {
    return this.getQuerySet().offset(n);
  }
  distinct(): QuerySet<T> {
    return this.getQuerySet().distinct();
  }
  selectRelated(...paths: SelectPath<T>[]): QuerySet<T> {
    return this.getQuerySet().selectRelated(...paths);
  }
  prefetchRelated(...paths: PrefetchPath<T>[]): QuerySet<T> {
    return this.getQuerySet().prefetchRelated(...paths);
  }
  only(...fields: FieldPath<T>[]): QuerySet<T> {
    return this.getQuerySet().only(...fields);
  }
  defer(...fields: FieldPath<T>[]): QuerySet<T> {
    return this.getQuerySet().defer(...fields);
  }
  /** Every row, locked until the transaction ends: see `QuerySet.selectForUpdate`. */
  selectForUpdate(options?: SelectForUpdateOptions): QuerySet<T> {
    return this.getQuerySet().selectForUpdate(options);
  }
  using(alias: string): QuerySet<T> {
    return this.getQuerySet().using(alias);
  }
  usingSchema(schema: string): QuerySet<T> {
    return this.getQuerySet().usingSchema(schema);
  }
  usingPrimary(): QuerySet<T> {
    return this.getQuerySet().usingPrimary();
  }
  count(): Promise<number> {
    return this.getQuerySet().count();
  }
  exists(): Promise<boolean> {
    return this.getQuerySet().exists();
  }
  first(): Promise<T | null> {
    return this.getQuerySet().first();
  }
  last(): Promise<T | null> {
    return this.getQuerySet().last();
  }
  get(lookups?: Lookups<T> | Q<T>): Promise<T> {
    return this.getQuerySet().get(lookups);
  }
  getOrNone(lookups?: Lookups<T> | Q<T>): Promise<T | null> {
    return this.getQuerySet().getOrNone(lookups);
  }
  /** Every row with computed values added: see `QuerySet.annotate`. */
  annotate<A extends Record<string, Expression>>(annotations: A): QuerySet<Annotated<T, A>> {
    return this.getQuerySet().annotate(annotations);
  }
  /** Aggregates over every row, as one plain object: see `QuerySet.aggregate`. */
  aggregate<A extends Record<string, Expression>>(aggregates: A): Promise<AggregateResult<A>> {
    return this.getQuerySet().aggregate(aggregates);
  }
  values(...keys: FieldPath<T>[]): ValuesQuerySet<T> {
    return this.getQuerySet().values(...keys);
  }
  valuesList(...args: (FieldPath<T> | { flat?: boolean })[]): Promise<unknown[]> {
    return this.getQuerySet().valuesList(...args);
  }
  create(values?: CreateValues<T>): Promise<T> {
    return this.getQuerySet().create(values);
  }
  /** Inserts many rows, skipping or upserting conflicting ones on request: see `QuerySet.bulkCreate`. */
  bulkCreate(items: readonly (T | CreateValues<T>)[], options?: BulkCreateOptions<T>): Promise<T[]> {
    return this.getQuerySet().bulkCreate(items, options);
  }
  bulkUpdate(instances: readonly T[], fields: readonly string[]): Promise<number> {
    return this.getQuerySet().bulkUpdate(instances, fields);
  }
  getOrCreate(lookups: Lookups<T>, defaults?: WritableValues<T>): Promise<[T, boolean]> {
    return this.getQuerySet().getOrCreate(lookups, defaults);
  }
  updateOrCreate(lookups: Lookups<T>, defaults?: WritableValues<T>): Promise<[T, boolean]> {
    return this.getQuerySet().updateOrCreate(lookups, defaults);
  }
  update(values: WritableValues<T>): Promise<number> {
    return this.getQuerySet().update(values);
  }
  delete(): Promise<number> {
    return this.getQuerySet().delete();
  }

  /** Instances from hand-written SQL (`?` placeholders bound), in the ambient transaction: `User.query.raw('select * from users where id = ?', [1])`. */
  raw(sql: string, bindings?: readonly unknown[]): Promise<T[]> {
    return rawInstances<T>(this.getQuerySet().state, sql, bindings);
  }

  /** Page `page` (from 1) of `pageSize` rows, with totals: see `QuerySet.paginate`. */
  paginate(options: { page: number; pageSize: number }): Promise<Page<T>> {
    return this.getQuerySet().paginate(options);
  }
  /** Up to `pageSize` rows after cursor `after`, and the next cursor: see `QuerySet.cursorPaginate`. */
  cursorPaginate(options: { pageSize: number; after?: string | null }): Promise<CursorPage<T>> {
    return this.getQuerySet().cursorPaginate(options);
  }
  /** Every row, one chunk in memory at a time: see `QuerySet.iterate`. */
  iterate(options?: { chunkSize?: number }): AsyncIterable<T> {
    return this.getQuerySet().iterate(options);
  }
}
