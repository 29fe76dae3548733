/** Lookups of one `filter()` call: `{ name__icontains: 'a', id__in: [1, 2] }`. */
export type Lookups = Record<string, unknown>;

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

  /** The child must not hold. */
  static not(child: Q | Lookups): Q {
    return new Q('and', [child], true);
  }
}
