/*
 * Compile-time query keys. With a typed manager (`declare static query: Manager<Post>`), the strings a
 * query takes — `filter({ author__name__icontains })`, `orderBy('-title')`, `values('tags__name')` — are
 * unions of template literal types built from the model's properties, so a misspelt field, relation or
 * lookup is a compile error and editors complete keys.
 *
 * How a property of the model type is read:
 * - a model instance (`Relation<User>`, i.e. `User`): a forward foreign key or one-to-one; its path goes on
 *   into the target, and `author_id` (the key's own column) is a key too;
 * - a manager (`ManyRelation<Tag>`, `RelatedManager<Post>`) or `Promise<Profile | null>`: a many-to-many or
 *   a reverse accessor; its path goes on into the target;
 * - `unknown`, `any`, an object or an array (a `json` field): the field, then any `__` key path below it
 *   (`settings__theme`, `settings__has_key`), which the query checks when it runs;
 * - anything else (string, number, boolean, bigint, Date, Buffer): the field and its lookups.
 *
 * Cost is bounded: relation paths are spelt out for `KEY_DEPTH` hops; past that a relation only takes a
 * permissive `${relation}__${string}` tail (still checked at run time). Untyped models (`Manager<any>`,
 * `BaseModel` itself, `Lookups<unknown>`) take any string, so generic code and `getModel('X')` stay loose.
 *
 * This file holds types only: it compiles to nothing and imports nothing at run time.
 */
import type { BaseModel } from '../models/base-model';
import type { DataKeys } from './q';
import type { Expression } from './expressions/expression';
import type { ExistsExpression } from './expressions/subquery';

/** Lookups of a plain (non-JSON) field, as `lib/query/lookups.ts` applies them. */
export type FieldLookup =
  | 'exact'
  | 'iexact'
  | 'contains'
  | 'icontains'
  | 'startswith'
  | 'istartswith'
  | 'endswith'
  | 'iendswith'
  | 'in'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'isnull'
  | 'range';

/** Lookups a `json` field adds (its key paths are free-form, so these are documentation and completions). */
export type JsonLookup = 'has_key' | 'has_keys' | 'has_any_keys' | 'contains';

/**
 * Relation hops spelt out in key types (`author__profile__bio` is two hops). Each hop multiplies the union
 * by the target's fields, so this stays small to keep editors fast; deeper keys fall back to a string tail.
 */
export type KEY_DEPTH = 2;

/** `Prev[D]` is `D - 1`: the remaining hop budget one relation further down. */
type Prev = [never, 0, 1, 2, 3, 4];

/** True for `any` (which would otherwise satisfy every branch of a conditional type). */
type IsAny<V> = 0 extends 1 & V ? true : false;

/** Whether a model type is too loose to check: `any`, `unknown`, or `BaseModel` itself (generic code). */
export type IsLooseModel<T> = IsAny<T> extends true ? true : unknown extends T ? true : BaseModel extends T ? true : false;

/** The model a many-valued or reverse accessor leads to (`ManyRelation<Tag>`, `RelatedManager<Post>`, `Promise<Profile | null>`). */
type AccessorTarget<V> = V extends { getQuerySet(): { fetch(): Promise<(infer U)[]> } }
  ? U
  : V extends Promise<infer P>
    ? NonNullable<P> extends BaseModel
      ? NonNullable<P>
      : never
    : never;

/**
 * What a property's value type makes it: `'loose'` (JSON or untyped: any key path below it), `'fk'` (a
 * forward relation), `'many'` (an accessor), `'method'` (not a key), or `'plain'`.
 */
type Kind<V> =
  IsAny<V> extends true
    ? 'loose'
    : unknown extends V
      ? 'loose'
      : NonNullable<V> extends (...args: never[]) => unknown
        ? 'method'
        : NonNullable<V> extends BaseModel
          ? 'fk'
          : [AccessorTarget<NonNullable<V>>] extends [never]
            ? NonNullable<V> extends Date | Uint8Array | string | number | boolean | bigint
              ? 'plain'
              : NonNullable<V> extends object
                ? 'loose'
                : 'plain'
            : 'many';

/** The model a relation property leads to. */
type TargetOf<V> = NonNullable<V> extends BaseModel ? NonNullable<V> : AccessorTarget<NonNullable<V>>;

/**
 * String property names of `T` that are not methods (`pk` included: BaseModel declares it), plus `id`: the
 * automatic key every model without a `@PrimaryKey` has, rarely declared on the class. (On a model with
 * another key, `id` passes the compiler and fails when the query runs.)
 */
type PropertyNames<T> = ({ [K in keyof T]-?: Kind<T[K]> extends 'method' ? never : K }[keyof T] & string) | 'id';

/** Where a path below relation `K` may go: the target's keys while hops remain, any string after. */
type Below<K extends string, U, D extends number, Leaf extends 'filter' | 'path' | 'select' | 'prefetch'> = [D] extends [0]
  ? `${K}__${string}`
  : `${K}__${Keys<U, Prev[D], Leaf>}`;

/**
 * Keys of one property `K` (value type `V`) for each use:
 * `filter` — field paths with an optional lookup; `path` — field paths (orderBy, values, only);
 * `select` — forward relation paths (selectRelated); `prefetch` — relation paths of every kind.
 */
type KeysOf<K extends string, V, D extends number, Leaf extends 'filter' | 'path' | 'select' | 'prefetch'> =
  // `pk` is typed `any` on BaseModel (keys differ per model) but is one column: plain lookups only; so is an
  // undeclared `id` (a declared one keeps its own kind, say a one-to-one primary key).
  (K extends 'pk' | 'id' ? ('id' extends K ? (unknown extends V ? 'plain' : Kind<V>) : 'plain') : Kind<V>) extends infer kind
    ? kind extends 'loose'
      ? Leaf extends 'filter' | 'path'
        ? K | `${K}__${JsonLookup}` | `${K}__${string}`
        : never
      : kind extends 'plain'
        ? Leaf extends 'filter'
          ? K | `${K}__${FieldLookup}`
          : Leaf extends 'path'
            ? K
            : never
        : kind extends 'fk' | 'many'
          ? Leaf extends 'select'
            ? kind extends 'fk'
              ? K | Below<K, TargetOf<V>, D, Leaf>
              : never
            : Leaf extends 'prefetch'
              ? K | Below<K, TargetOf<V>, D, Leaf>
              : Leaf extends 'filter'
                ? K | `${K}__${FieldLookup}` | Below<K, TargetOf<V>, D, Leaf> | (kind extends 'fk' ? `${K}_id` | `${K}_id__${FieldLookup}` : never)
                : K | Below<K, TargetOf<V>, D, Leaf> | (kind extends 'fk' ? `${K}_id` : never)
          : never
    : never;

/**
 * Keys through reverse accessors under their default name (`entrys_set__rank`) on a model type that declares
 * none: taken as they are (checked when the query runs), so code written before typed keys still compiles.
 * Once the model declares one (`declare entrys_set: RelatedManager<Entry>`), this falls away — a pattern
 * would swallow the declared keys and their misspellings — and every `_set` key is checked.
 */
type UndeclaredReverse<T, Leaf> = Leaf extends 'select'
  ? never
  : [Extract<keyof T, `${string}_set`>] extends [never]
    ? `${string}_set` | `${string}_set__${string}`
    : never;

/** Every key of model `T` for one use, relations followed for `D` more hops. */
type Keys<T, D extends number, Leaf extends 'filter' | 'path' | 'select' | 'prefetch'> =
  { [K in PropertyNames<T>]: KeysOf<K, K extends keyof T ? T[K] : unknown, D, Leaf> }[PropertyNames<T>] | UndeclaredReverse<T, Leaf>;

/** A `filter` / `exclude` / `get` key of `T`: `title`, `title__icontains`, `author__name__startswith`, `pk__in`. */
export type FilterKey<T> = IsLooseModel<T> extends true ? string : Keys<T, KEY_DEPTH, 'filter'>;

/** A field or path of `T` without a lookup (`values`, `valuesList`, `only`, `defer`): `title`, `author__name`. */
export type FieldPath<T> = IsLooseModel<T> extends true ? string : Keys<T, KEY_DEPTH, 'path'>;

/** An `orderBy` key of `T`: a field path, `-` for descending. */
export type OrderKey<T> = IsLooseModel<T> extends true ? string : FieldPath<T> | `-${FieldPath<T>}`;

/** A `selectRelated` path of `T`: forward foreign keys and one-to-ones (`author`, `author__profile`). */
export type SelectPath<T> = IsLooseModel<T> extends true ? string : Keys<T, KEY_DEPTH, 'select'>;

/** A `prefetchRelated` path of `T`: relations of every kind (`tags`, `author__posts`). */
export type PrefetchPath<T> = IsLooseModel<T> extends true ? string : Keys<T, KEY_DEPTH, 'prefetch'>;

/** A column `update()` / `defaults` may set: a data property of `T` (not an accessor) or a foreign key's `_id`. */
export type WritableKey<T> =
  IsLooseModel<T> extends true
    ? string
    : {
        [K in PropertyNames<T>]: K extends keyof T ? (Kind<T[K]> extends 'many' ? never : Kind<T[K]> extends 'fk' ? K | `${K}_id` : K) : K;
      }[PropertyNames<T>];

/**
 * The value a filter key takes: an array, a set or a subquery expression for `__in`, a pair for `__range`, a boolean for
 * `__isnull`; anything else is checked when the query runs.
 */
export type LookupValue<K> = K extends `${string}__in`
  ? readonly unknown[] | ReadonlySet<unknown> | Expression
  : K extends `${string}__isnull`
    ? boolean
    : K extends `${string}__range`
      ? readonly [unknown, unknown]
      : unknown;

/** Values `update()` and the `defaults` of `getOrCreate` / `updateOrCreate` take: writable keys of `T` only. */
export type WritableValues<T> = IsLooseModel<T> extends true ? Record<string, unknown> : { [K in WritableKey<T>]?: unknown };

/** The value an `annotate()` name holds on a typed model: a computed scalar (narrow it where you read it). */
export type AnnotationValue = string | number | bigint | boolean | Date | null;

/** The value an expression gives: a number for `Count`, a boolean for `Exists`, else a computed scalar (or null). */
export type ExpressionValue<E> = E extends { readonly fn: 'count' } ? number : E extends ExistsExpression ? boolean : AnnotationValue;

/**
 * `T` after `annotate(a)`: each annotation name becomes a plain property (typed by `ExpressionValue`), so later
 * `filter`, `orderBy` and `values` accept it with its lookups (`nPosts__gte`), and fetched instances show it.
 */
export type Annotated<T, A> = T & { [K in keyof A & string]: ExpressionValue<A[K]> };

/** What `aggregate(a)` resolves to: one value per name (`Count` a number; the others a number, string, Date or null). */
export type AggregateResult<A> = { [K in keyof A & string]: ExpressionValue<A[K]> };

/**
 * Values accepted by `create()` and friends: the model's own properties, type-checked; a relation takes
 * an instance or a key. (Raw keys such as `author_id` work at run time; cast to pass them.)
 */
export type CreateValues<T> = {
  [K in DataKeys<T>]?: NonNullable<T[K]> extends BaseModel ? T[K] | string | number | bigint | null : T[K];
};
