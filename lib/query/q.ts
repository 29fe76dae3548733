/** Property names of a model instance, relation managers included (what a filter key may name). */
export type PropertyKeys<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? never : K }[keyof T] & string;

/** Property names of a model instance that hold data (not methods, not relation managers). */
export type DataKeys<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? never : T[K] extends { getQuerySet(): unknown } ? never : K;
}[keyof T] &
  string;

/**
 * Lookups of one `filter()` call: `{ name__icontains: 'a', id__in: [1, 2] }`. For a model type, a plain
 * key must be one of its properties (or `pk`), so a typo is a compile error; `__` paths (lookups,
 * relations, reverse accessors) are checked against the model when the query runs.
 */
export type Lookups<T = unknown> = unknown extends T
  ? Record<string, unknown>
  : { [K in PropertyKeys<T> | 'pk']?: unknown } & { [path: `${string}__${string}`]: unknown };

/** A boolean tree of lookups: `Q.or({ a: 1 }, Q.not({ b: 2 }))`. */
export class Q {
  private constructor(
    readonly connector: 'and' | 'or',
    readonly children: readonly (Q | Lookups)[],
    readonly negated: boolean,
  ) {}

  /** Every child must hold. */
  static and(...children: (Q | Lookups)[]): Q {
    return new Q('and', children, false);
  }

  /** At least one child must hold. */
  static or(...children: (Q | Lookups)[]): Q {
    return new Q('or', children, false);
  }

  /** The same connector and negation over other children. */
  withChildren(children: readonly (Q | Lookups)[]): Q {
    return new Q(this.connector, children, this.negated);
  }

  /** The child must not hold. */
  static not(child: Q | Lookups): Q {
    return new Q('and', [child], true);
  }
}
