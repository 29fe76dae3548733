import type { FieldMeta, ModelMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import type { Lookups } from '../../query/q';
import type { PrefetchContext } from '../prefetch-batch';
import { CrossFetch, JoinStep, pkColumn, Relation } from '../relation';
import { prefetchForward } from './prefetch';

/** A foreign key or one-to-one, crossed from the model that declares it (`post.author`). */
export class ForeignKeyRelation extends Relation {
  constructor(
    from: ModelMeta,
    readonly field: FieldMeta,
    target: ModelMeta,
  ) {
    super(field.name, from, target, false);
  }

  override get joinable(): boolean {
    return true;
  }

  protected makeJoins(): JoinStep[] {
    return [{ from: this.field.column, meta: this.target, to: pkColumn(this.target), many: false }];
  }

  stillBound(): boolean {
    return this.from.fields.get(this.name) === this.field && this.field.relation?.target?.meta === this.target;
  }

  prefetch(items: BaseModel[], context: PrefetchContext): Promise<BaseModel[]> {
    return prefetchForward(items, this.field, context);
  }

  /** `author__name: 'x'` with the author elsewhere: `author__in: [keys of matching authors there]`. */
  override async crossFilter(prefix: string, lookups: Lookups, fetch: CrossFetch): Promise<Lookups> {
    const ids = await fetch(this.target, lookups, this.target.pkName);
    return { [`${prefix}${this.name}__in`]: ids };
  }
}
