import type { ManyToManyMeta, ModelMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import type { PrefetchContext } from '../prefetch-batch';
import { JoinStep, pkColumn, Relation } from '../relation';
import { prefetchManyToMany } from './prefetch';
import { throughColumns } from './through-fields';

/**
 * A many-to-many field, crossed from its owner (`post.tags`) or, `reversed`, from its target (`tag.posts_set`,
 * or the hidden `+Post.tags` path kept with `relatedName: false`). It joins through the through model's table.
 */
export class ManyToManyRelation extends Relation {
  constructor(
    from: ModelMeta,
    name: string,
    readonly owner: ModelMeta,
    readonly m2m: ManyToManyMeta,
    readonly reversed: boolean,
    hidden: boolean,
  ) {
    super(name, from, reversed ? owner : m2m.target!.meta, true, hidden);
  }

  override get crossFilterable(): boolean {
    return false;
  }

  protected makeJoins(): JoinStep[] | undefined {
    if (!this.m2m.through) return undefined;
    const { through, near, far } = throughColumns(this.owner, this.m2m, this.reversed);
    return [
      { from: pkColumn(this.from), meta: through, to: near, many: true },
      { from: far, meta: this.target, to: pkColumn(this.target), many: false },
    ];
  }

  stillBound(): boolean {
    const { from, name, owner, m2m } = this;
    if (!this.reversed) return from.manyToMany.get(name) === m2m && m2m.target?.meta === this.target;
    return (from.reverse.get(name) ?? from.hiddenReverse.get(name))?.owner.meta === owner && owner.manyToMany.get(m2m.name) === m2m;
  }

  prefetch(items: BaseModel[], context: PrefetchContext): Promise<BaseModel[]> {
    return prefetchManyToMany(items, this.owner, this.m2m, this.reversed, this.name, context);
  }
}
