import type { ModelMeta, ReverseMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import type { Lookups } from '../../query/q';
import type { PrefetchContext } from '../prefetch-batch';
import { CrossFetch, JoinStep, pkColumn, Relation } from '../relation';
import { prefetchReverse } from './prefetch';

/** The reverse side of a foreign key (`user.posts_set`, many rows) or of a one-to-one (`user.profile`). */
export class ReverseRelation extends Relation {
  constructor(
    from: ModelMeta,
    readonly reverse: ReverseMeta,
  ) {
    super(reverse.name, from, reverse.owner.meta, reverse.kind === 'foreignKey');
  }

  protected makeJoins(): JoinStep[] {
    const owner = this.target;
    return [{ from: pkColumn(this.from), meta: owner, to: owner.fields.get(this.reverse.field)!.column, many: this.many }];
  }

  stillBound(): boolean {
    return (this.from.reverse.get(this.name) ?? this.from.hiddenReverse.get(this.name)) === this.reverse && this.reverse.owner.meta === this.target;
  }

  prefetch(items: BaseModel[], context: PrefetchContext): Promise<BaseModel[]> {
    return prefetchReverse(items, this.reverse, context);
  }

  /** `posts_set__title: 'x'` with posts elsewhere: `pk__in: [keys the matching posts point at]`. */
  override async crossFilter(prefix: string, lookups: Lookups, fetch: CrossFetch): Promise<Lookups> {
    const keys = await fetch(this.target, lookups, this.reverse.field);
    return { [`${prefix}pk__in`]: keys.filter((k) => k !== null && k !== undefined) };
  }
}
