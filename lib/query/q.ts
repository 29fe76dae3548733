import type { FilterKey, IsLooseModel, LookupValue } from './typed-keys';

/** Property names of a model instance, relation managers included (what a filter key may name). */
export type PropertyKeys<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? never : K }[keyof T] & string;

/** Property names of a model instance that hold data (not methods, not relation managers). */
export type DataKeys<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? never : T[K] extends { getQuerySet(): unknown } ? never : K;
}[keyof T] &
  string;

/**
 * Lookups of one `filter()` call: `{ name__icontains: 'a', id__in: [1, 2] }`. For a model type every key is
 * checked at compile time — field, relation path (up to `KEY_DEPTH` hops) and lookup, see `typed-keys.ts` —
 * and `__in` / `__isnull` / `__range` values are shaped; an untyped model takes any key.
 */
export type Lookups<T = unknown> = IsLooseModel<T> extends true ? Record<string, unknown> : { [K in FilterKey<T>]?: LookupValue<K> };

/**
 * A boolean tree of lookups: `Q.or({ a: 1 }, Q.not({ b: 2 }))`. `T` is only a compile-time tag: passed to a
 * typed `filter()`, the model is inferred from there and the children's keys are checked; a `Q` built on its
 * own (`T` unknown) takes any key and is accepted by every queryset.
 */
export class Q<T = unknown> {
  private constructor(
    readonly connector: 'and' | 'or',
    readonly children: readonly (Q | Lookups)[],
    readonly negated: boolean,
  ) {}

  /** Every child must hold. */
  static and<T = unknown>(...children: (Q<T> | Lookups<T>)[]): Q<T> {
    return new Q('and', children as (Q | Lookups)[], false);
  }

  /** At least one child must hold. */
  static or<T = unknown>(...children: (Q<T> | Lookups<T>)[]): Q<T> {
    return new Q('or', children as (Q | Lookups)[], false);
  }

  /** The same connector and negation over other children. */
  withChildren(children: readonly (Q | Lookups)[]): Q<T> {
    return new Q(this.connector, children, this.negated);
  }

  /** The child must not hold. */
  static not<T = unknown>(child: Q<T> | Lookups<T>): Q<T> {
    return new Q('and', [child as Q | Lookups], true);
  }
}
