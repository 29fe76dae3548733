import type { ManyToManyMeta, ModelClass, ModelMeta, ReverseMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import { databaseOf, execute, tableQuery } from '../../query/executor';
import { Manager } from '../../query/manager';
import type { QuerySet } from '../../query/queryset';
import { hiddenReverseKey, throughColumns } from './through-fields';

/** `post.tags`: the targets linked to one instance through the through model. */
export class ManyRelation<T extends BaseModel> extends Manager<T> {
  constructor(
    private readonly instance: BaseModel,
    private readonly owner: ModelMeta,
    private readonly m2m: ManyToManyMeta,
    /** True for the reverse side (`tag.posts_set`): the roles of the two through keys swap. */
    private readonly reversed = false,
  ) {
    super((reversed ? owner.model : m2m.target) as ModelClass<T>);
  }

  /** The reverse side of a many-to-many (`tag.posts_set`). */
  static reverse<T extends BaseModel>(instance: BaseModel, reverse: ReverseMeta): ManyRelation<T> {
    const owner = reverse.owner.meta;
    return new ManyRelation<T>(instance, owner, owner.manyToMany.get(reverse.field)!, true);
  }

  private keys(): { mine: string; theirs: string; through: ModelMeta } {
    const { through, near, far } = throughColumns(this.owner, this.m2m, this.reversed);
    return { mine: near, theirs: far, through };
  }

  override getQuerySet(): QuerySet<T> {
    // Targets joined back to this instance through the through table.
    const path = this.reversed ? this.m2m.name : hiddenReverseKey(this.owner, this.m2m.name);
    return super.getQuerySet().filter({ [path]: this.instance });
  }

  /** Links instances (already linked ones are left as they are). */
  async add(...items: T[]): Promise<void> {
    if (items.length === 0) return;
    const { mine, theirs, through } = this.keys();
    const db = databaseOf(through);
    const rows = items.map((item) => ({ [mine]: this.instance.pk, [theirs]: item.pk }));
    await execute(db, (r) => tableQuery(r, through, undefined).insert(rows).onConflict([mine, theirs]).ignore());
  }

  /** Unlinks instances. */
  async remove(...items: T[]): Promise<void> {
    const { mine, theirs, through } = this.keys();
    const db = databaseOf(through);
    await execute(db, (r) => tableQuery(r, through, undefined).where(mine, this.instance.pk).whereIn(theirs, items.map((i) => i.pk)).delete());
  }

  /** Unlinks everything. */
  async clear(): Promise<void> {
    const { mine, through } = this.keys();
    const db = databaseOf(through);
    await execute(db, (r) => tableQuery(r, through, undefined).where(mine, this.instance.pk).delete());
  }

  /** Creates a target row and links it. */
  override async create(values: Record<string, unknown> = {}): Promise<T> {
    const item = await super.getQuerySet().create(values);
    await this.add(item);
    return item;
  }
}
