import { QueryError } from '../../errors';
import type { ManyToManyMeta, ModelMeta, ReverseMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import { databaseOf, execute, tableQuery } from '../../query/executor';
import { Manager } from '../../query/manager';
import type { Lookups } from '../../query/q';
import { CreateValues, QuerySet } from '../../query/queryset';
import { forgetPrefetched, InstanceState, PREFETCHED } from '../../models/state';
import { hasUniquePair, linkRows } from './link-rows';
import { hiddenReverseKey, throughColumns, throughFields } from './through-fields';
import { checkRelationAllowed, locate, relatedLocation } from '../location';

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
    super(reversed ? owner.model : m2m.target!);
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

  /** Rows of the far model where the instance lives (its alias and schema). */
  private located(): QuerySet<T> {
    return locate(super.getQuerySet(), relatedLocation(this.instance, this.model!.meta));
  }

  /** The through table where the instance lives: its database and schema. */
  private throughPlace(through: ModelMeta): { db: ReturnType<typeof databaseOf>; schema: string | undefined; alias: string } {
    const location = relatedLocation(this.instance, through);
    const alias = location?.alias ?? through.database;
    return { db: databaseOf(through, alias), schema: location?.schema, alias };
  }

  /** The linked rows; answered from memory when `prefetchRelated` loaded them. */
  override getQuerySet(): QuerySet<T> {
    // Targets joined back to this instance through the through table.
    const path = this.reversed ? this.m2m.name : hiddenReverseKey(this.owner, this.m2m.name);
    const filtered = this.located().filter({ [path]: this.instance } as Lookups<T>);
    const known = (this.instance as InstanceState)[PREFETCHED]?.[this.prefetchKey] as T[] | undefined;
    return known ? new QuerySet<T>(filtered.state, known) : filtered;
  }

  /** `Owner.field` (or the reverse name), for messages. */
  private get label(): string {
    return this.reversed ? `${this.m2m.targetName}.${this.reverseName}` : `${this.owner.name}.${this.m2m.name}`;
  }

  /** The key of an item to link: a saved instance of the right model, or a bare key. */
  private keyOf(item: T | string | number | bigint, action: string): unknown {
    const Model = this.model!;
    if (item !== null && typeof item === 'object') {
      if (!(item instanceof Model)) {
        throw new QueryError(`${this.label}.${action}() takes ${Model.meta.name} instances or keys, got a ${(item as object).constructor?.name ?? 'object'}.`);
      }
      if (item.pk === undefined || item.pk === null) throw new QueryError(`${this.label}.${action}(): save the ${Model.meta.name} first (it has no key yet).`);
      return item.pk;
    }
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'bigint') return item;
    throw new QueryError(`${this.label}.${action}() takes ${Model.meta.name} instances or keys, got ${String(item)}.`);
  }

  /** This side's key; the instance must be saved before it can be linked. */
  private ownKey(action: string): unknown {
    const pk = this.instance.pk;
    if (pk === undefined || pk === null) throw new QueryError(`${this.label}.${action}(): save the instance first (it has no key yet).`);
    return pk;
  }

  /**
   * Links instances or keys; a pair already linked is left as it is, so each pair is linked once. The
   * through model's other fields take their defaults.
   */
  async add(...items: (T | string | number | bigint)[]): Promise<void> {
    forgetPrefetched(this.instance, this.prefetchKey);
    const own = this.ownKey('add');
    for (const item of items) if (typeof item === 'object' && item !== null) checkRelationAllowed(this.instance, item);
    const keys = items.map((item) => this.keyOf(item, 'add'));
    if (keys.length === 0) return;
    const { mine, theirs, through } = this.keys();
    const { ownerField, targetField } = throughFields(this.owner, this.m2m);
    const [near, far] = this.reversed ? [targetField, ownerField] : [ownerField, targetField];
    const { db, schema, alias } = this.throughPlace(through);
    const rows = linkRows(through, near, far, own, keys, db.driver);
    if (hasUniquePair(through, ownerField, targetField)) {
      await execute(db, (r) => db.driver.ignoreDuplicates(tableQuery(r, through, schema, undefined, alias).insert(rows), [mine, theirs]));
      return;
    }
    // No unique constraint for ON CONFLICT to name (a user's through model may have none): insert only the
    // pairs not present yet, read and written in one transaction.
    await db.transaction(async () => {
      const present: Record<string, unknown>[] = await execute(db, (r) =>
        tableQuery(r, through, schema, undefined, alias)
          .where(mine, rows[0][mine] as never)
          .whereIn(theirs, rows.map((row) => row[theirs]) as never[])
          .select(theirs),
      );
      const linked = new Set(present.map((row) => String(row[theirs])));
      const missing = rows.filter((row) => !linked.has(String(row[theirs])));
      if (missing.length) await execute(db, (r) => tableQuery(r, through, schema, undefined, alias).insert(missing));
    });
  }

  /** Unlinks instances or keys. */
  async remove(...items: (T | string | number | bigint)[]): Promise<void> {
    forgetPrefetched(this.instance, this.prefetchKey);
    const own = this.ownKey('remove');
    const keys = items.map((item) => this.keyOf(item, 'remove'));
    if (keys.length === 0) return;
    const { mine, theirs, through } = this.keys();
    const { db, schema, alias } = this.throughPlace(through);
    await execute(db, (r) =>
      tableQuery(r, through, schema, undefined, alias)
        .where(mine, own as never)
        .whereIn(theirs, keys as never[])
        .delete(),
    );
  }

  /** Unlinks everything. */
  async clear(): Promise<void> {
    forgetPrefetched(this.instance, this.prefetchKey);
    const own = this.ownKey('clear');
    const { mine, through } = this.keys();
    const { db, schema, alias } = this.throughPlace(through);
    await execute(db, (r) =>
      tableQuery(r, through, schema, undefined, alias)
        .where(mine, own as never)
        .delete(),
    );
  }

  /** Creates a target row and links it. */
  override async create(values: CreateValues<T> = {} as CreateValues<T>): Promise<T> {
    const item = await this.located().create(values);
    await this.add(item);
    return item;
  }
}
