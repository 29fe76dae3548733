import type { BaseModel } from '../../models/base-model';
import type { Lookups, Q } from '../q';
import type { QuerySet } from '../queryset';
import type { Expression, OrderBy } from './expression';

/** One row of `values()`: the selected keys and annotations by name. */
export type ValuesRow = Record<string, unknown>;

/**
 * What `qs.values(...keys)` returns: awaitable like a promise of plain objects (`await qs.values('a')`,
 * `.then()`, `.catch()`), and chainable. `annotate()` after `values('author__name')` groups by those keys,
 * one object per group (Django's `values().annotate()`); without keys it annotates every row.
 */
export class ValuesQuerySet<T extends BaseModel = BaseModel> implements PromiseLike<ValuesRow[]>, AsyncIterable<ValuesRow> {
  constructor(
    /** @internal The rows' queryset (annotations and grouping in its state). */
    readonly queryset: QuerySet<T>,
    /** The selected keys; empty: every field (grouped: every grouping key) and every annotation. */
    readonly keys: readonly string[],
  ) {}

  private with(queryset: QuerySet<T>, keys = this.keys): ValuesQuerySet<T> {
    return new ValuesQuerySet<T>(queryset, keys);
  }

  /**
   * Adds computed values. After `values(...keys)` the rows are grouped by those keys and each aggregate is
   * computed per group; the result objects hold the keys and the annotations.
   */
  annotate(annotations: Record<string, Expression>): ValuesQuerySet<T> {
    const grouped = this.queryset.annotateGrouped(annotations, this.keys);
    const grouping = grouped.state.groupBy !== undefined;
    return this.with(grouped, grouping || this.keys.length ? [...this.keys, ...Object.keys(annotations)] : this.keys);
  }

  /** Selects other keys (field paths or annotation names) of the same rows. */
  values(...keys: string[]): ValuesQuerySet<T> {
    return this.with(this.queryset, keys);
  }

  /** Rows (or groups, filtering on an aggregate: HAVING) matching the lookups. */
  filter(...clauses: (Lookups | Q)[]): ValuesQuerySet<T> {
    return this.with(this.queryset.filter(...(clauses as Lookups<T>[])));
  }

  exclude(...clauses: (Lookups | Q)[]): ValuesQuerySet<T> {
    return this.with(this.queryset.exclude(...(clauses as Lookups<T>[])));
  }

  orderBy(...keys: (string | OrderBy)[]): ValuesQuerySet<T> {
    return this.with((this.queryset.orderBy as (...keys: (string | OrderBy)[]) => QuerySet<T>)(...keys));
  }

  limit(n: number): ValuesQuerySet<T> {
    return this.with(this.queryset.limit(n));
  }

  offset(n: number): ValuesQuerySet<T> {
    return this.with(this.queryset.offset(n));
  }

  distinct(): ValuesQuerySet<T> {
    return this.with(this.queryset.distinct());
  }

  /** Number of result objects (groups, when grouped). */
  count(): Promise<number> {
    return this.queryset.count();
  }

  /** Whether there is any result object. */
  exists(): Promise<boolean> {
    return this.queryset.exists();
  }

  /** The first result object, or null. */
  async first(): Promise<ValuesRow | null> {
    const [row] = await this.limit(1).fetch();
    return row ?? null;
  }

  /** Runs the query. */
  fetch(): Promise<ValuesRow[]> {
    return this.queryset.fetchValues(this.keys);
  }

  then<R1 = ValuesRow[], R2 = never>(
    onfulfilled?: ((value: ValuesRow[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.fetch().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<ValuesRow[] | R> {
    return this.fetch().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<ValuesRow[]> {
    return this.fetch().finally(onfinally);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ValuesRow> {
    for (const row of await this.fetch()) yield row;
  }
}
