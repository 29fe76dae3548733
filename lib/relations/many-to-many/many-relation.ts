import type { ManyToManyMeta, ModelClass, ModelMeta, ReverseMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import { databaseOf, execute, tableQuery } from '../../query/executor';
import { Manager } from '../../query/manager';
import type { Lookups } from '../../query/q';
import { CreateValues, QuerySet } from '../../query/queryset';
import { forgetPrefetched, InstanceState, PREFETCHED } from '../../models/state';
import { hiddenReverseKey, throughColumns } from './through-fields';

/** `post.tags`: the targets linked to one instance through the through model. */
export class ManyRelation<T extends BaseModel> extends Manager<T> {
  constructor(
    private readonly instance: BaseModel,
    private readonly owner: ModelMeta,
    private readonly m2m: ManyToManyMeta,
    /** True for the reverse side (`tag.posts_set`): the roles of the two through keys swap. */
    private readonly reversed = false,
    /** The reverse accessor's name, on the reverse side. */
    private readonly reverseName = '',
  ) {
    super((reversed ? owner.model : m2m.target) as unknown as ModelClass<T>);
  }

  /** The reverse side of a many-to-many (`tag.posts_set`). */
  static reverse<T extends BaseModel>(instance: BaseModel, reverse: ReverseMeta): ManyRelation<T> {
    const owner = reverse.owner.meta;
    return new ManyRelation<T>(instance, owner, owner.manyToMany.get(reverse.field)!, true, reverse.name);
  }

  private keys(): { mine: string; theirs: string; through: ModelMeta } {
    const { through, near, far } = throughColumns(this.owner, this.m2m, this.reversed);
    return { mine: near, theirs: far, through };
  }

  /** Name under which `prefetchRelated` stores this side's results on the instance. */
  private get prefetchKey(): string {
    return this.reversed ? this.reverseName : this.m2m.name;
  }

  /** The linked rows; answered from memory when `prefetchRelated` loaded them. */
  override getQuerySet(): QuerySet<T> {
    // Targets joined back to this instance through the through table.
    const path = this.reversed ? this.m2m.name : hiddenReverseKey(this.owner, this.m2m.name);
    const filtered = super.getQuerySet().filter({ [path]: this.instance } as Lookups<T>);
    const known = (this.instance as InstanceState)[PREFETCHED]?.[this.prefetchKey] as T[] | undefined;
    return known ? new QuerySet<T>(filtered.state, known) : filtered;
  }

  /** Links instances (already linked ones are left as they are). */
  async add(...items: T[]): Promise<void> {
    forgetPrefetched(this.instance, this.prefetchKey);
    if (items.length === 0) return;
    const { mine, theirs, through } = this.keys();
    const db = databaseOf(through);
    const rows = items.map((item) => ({ [mine]: this.instance.pk, [theirs]: item.pk }));
    await execute(db, (r) => tableQuery(r, through, undefined).insert(rows).onConflict([mine, theirs]).ignore());
  }

  /** Unlinks instances. */
  async remove(...items: T[]): Promise<void> {
    forgetPrefetched(this.instance, this.prefetchKey);
    const { mine, theirs, through } = this.keys();
    const db = databaseOf(through);
    await execute(db, (r) => tableQuery(r, through, undefined).where(mine, this.instance.pk).whereIn(theirs, items.map((i) => i.pk)).delete());
  }

  /** Unlinks everything. */
  async clear(): Promise<void> {
    forgetPrefetched(this.instance, this.prefetchKey);
    const { mine, through } = this.keys();
    const db = databaseOf(through);
    await execute(db, (r) => tableQuery(r, through, undefined).where(mine, this.instance.pk).delete());
  }

  /** Creates a target row and links it. */
  override async create(values: CreateValues<T> = {} as CreateValues<T>): Promise<T> {
    const item = await super.getQuerySet().create(values);
    await this.add(item);
    return item;
  }
}
