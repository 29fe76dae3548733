import { QueryError } from '../../errors';
import type { ReverseMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import { forgetPrefetched, InstanceState, PREFETCHED, writeAttribute } from '../../models/state';
import { Manager } from '../../query/manager';
import type { Lookups } from '../../query/q';
import type { WritableValues } from '../../query/typed-keys';
import { CreateValues, QuerySet } from '../../query/queryset';
import { locate, relatedLocation } from '../location';

/** `user.posts_set`: the rows of the owner model whose foreign key points at one instance. */
export class RelatedManager<T extends BaseModel> extends Manager<T> {
  constructor(
    private readonly instance: BaseModel,
    private readonly reverse: ReverseMeta,
  ) {
    super(reverse.owner);
  }

  /** Rows of the owner model where the instance lives (its alias and schema). */
  private located(): QuerySet<T> {
    return locate(super.getQuerySet(), relatedLocation(this.instance, this.reverse.owner.meta));
  }

  /** The related rows; answered from memory when `prefetchRelated` loaded them. */
  override getQuerySet(): QuerySet<T> {
    const filtered = this.located().filter({ [this.reverse.field]: this.instance } as Lookups<T>);
    const known = (this.instance as InstanceState)[PREFETCHED]?.[this.reverse.name] as T[] | undefined;
    return known ? new QuerySet<T>(filtered.state, known) : filtered;
  }

  /** Creates a row pointing at the instance. */
  override create(values: CreateValues<T> = {} as CreateValues<T>): Promise<T> {
    forgetPrefetched(this.instance, this.reverse.name);
    return this.located().create({ ...values, [this.reverse.field]: this.instance } as CreateValues<T>);
  }

  /** Points each given row at the instance and saves that field. */
  async add(...items: T[]): Promise<void> {
    forgetPrefetched(this.instance, this.reverse.name);
    for (const item of items) {
      if (item.pk === undefined || item.pk === null) {
        writeAttribute(item, this.reverse.field, this.instance);
        await item.save();
      } else {
        await item.update({ [this.reverse.field]: this.instance });
      }
    }
  }

  /** Unlinks rows (their foreign key must be nullable). */
  async remove(...items: T[]): Promise<void> {
    this.requireNullable('removed from');
    forgetPrefetched(this.instance, this.reverse.name);
    for (const item of items) await item.update({ [this.reverse.field]: null });
  }

  /** Unlinks every row in one UPDATE (the foreign key must be nullable); returns the count. */
  async clear(): Promise<number> {
    this.requireNullable('cleared from');
    forgetPrefetched(this.instance, this.reverse.name);
    return this.located()
      .filter({ [this.reverse.field]: this.instance } as Lookups<T>)
      .update({ [this.reverse.field]: null } as WritableValues<T>);
  }

  private requireNullable(action: string): void {
    const field = this.reverse.owner.meta.fields.get(this.reverse.field)!;
    if (!field.nullable) {
      throw new QueryError(
        `${this.reverse.owner.meta.name}.${field.name} is not nullable: rows cannot be ${action} ${this.reverse.name}; delete them instead.`,
      );
    }
  }
}
