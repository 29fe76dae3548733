import type { ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import type { Lookups } from '../query/q';
import { crossesDatabase } from '../query/databases';
import type { PrefetchContext } from './prefetch-batch';

/** One join of a relation: from a column of the table on its left to a column of `meta`'s table. */
export interface JoinStep {
  from: string;
  meta: ModelMeta;
  to: string;
  /** The join can match several rows per row on its left. */
  many: boolean;
}

/** Reads matching rows of `meta` in its own database: the values of `column` for rows matching `lookups`. */
export type CrossFetch = (meta: ModelMeta, lookups: Lookups, column: string) => Promise<unknown[]>;

/**
 * One relation of a model, as a `__` path crosses it: foreign keys and one-to-ones
 * (`foreign-key/relation.ts`), their reverse accessors (`reverse/relation.ts`) and many-to-many fields from
 * either side (`many-to-many/relation.ts`). The query layer (path resolver, compiler, prefetch, cross-database
 * filters) works through this interface and never asks which kind it holds.
 */
export abstract class Relation {
  /** `target` lives in another database than `from`: no join is possible. */
  readonly crosses: boolean;
  /** Computed on first call, and again while undefined (a many-to-many whose through model is not bound yet). */
  private joinSteps: JoinStep[] | undefined;

  protected constructor(
    /** The relation's name on `from`. */
    readonly name: string,
    readonly from: ModelMeta,
    readonly target: ModelMeta,
    /** The relation can repeat rows of `from` (reverse foreign key, many-to-many). */
    readonly many: boolean,
    /** A many-to-many's reverse path kept with `relatedName: false` (only related managers use it). */
    readonly hidden = false,
  ) {
    this.crosses = crossesDatabase(from, target);
  }

  /** `selectRelated` can join it: one related row per row, read with the row (foreign keys, one-to-ones). */
  get joinable(): boolean {
    return false;
  }

  /** The joins from `from`'s table to `target`'s; undefined while a many-to-many has no through model. */
  joins(): JoinStep[] | undefined {
    return (this.joinSteps ??= this.makeJoins());
  }

  protected abstract makeJoins(): JoinStep[] | undefined;

  /**
   * Whether this object still describes its model: deleting a model and registering another under its name
   * rebinds relations without rebuilding every model's metadata, so cached relations are checked before use.
   */
  abstract stillBound(): boolean;

  /** Loads the related rows of every item in one batch, caches them on the items, and returns them. */
  abstract prefetch(items: BaseModel[], context: PrefetchContext): Promise<BaseModel[]>;

  /** A filter through it can be rewritten across databases (many-to-many paths are left to the compiler). */
  get crossFilterable(): boolean {
    return true;
  }

  /**
   * Rewrites a filter on the far side of this relation (`lookups` on `target`, which lives in another
   * database) into lookups on `from`, by reading the matching keys there first; `prefix` is the path up to
   * this relation. Undefined when the relation cannot be filtered across databases (the compiler reports it).
   */
  crossFilter(_prefix: string, _lookups: Lookups, _fetch: CrossFetch): Promise<Lookups> | undefined {
    return undefined;
  }
}

/** The primary-key column of a model. */
export const pkColumn = (meta: ModelMeta): string => meta.fields.get(meta.pkName)!.column;
