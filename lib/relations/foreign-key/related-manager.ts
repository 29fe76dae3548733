import { QueryError } from '../../errors';
import type { ModelClass, ReverseMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import { Manager } from '../../query/manager';
import type { QuerySet } from '../../query/queryset';

/** `user.posts_set`: the rows of the owner model whose foreign key points at one instance. */
export class RelatedManager<T extends BaseModel> extends Manager<T> {
  constructor(
    private readonly instance: BaseModel,
    private readonly reverse: ReverseMeta,
  ) {
    super(reverse.owner as ModelClass<T>);
  }

  override getQuerySet(): QuerySet<T> {
    return super.getQuerySet().filter({ [this.reverse.field]: this.instance });
  }

  /** Creates a row pointing at the instance. */
  override create(values: Record<string, unknown> = {}): Promise<T> {
    return super.getQuerySet().create({ ...values, [this.reverse.field]: this.instance });
  }

  /** Points each given row at the instance and saves it. */
  async add(...items: T[]): Promise<void> {
    for (const item of items) await item.update({ [this.reverse.field]: this.instance });
  }

  /** Unlinks rows (their foreign key must be nullable). */
  async remove(...items: T[]): Promise<void> {
    const field = this.reverse.owner.meta.fields.get(this.reverse.field)!;
    if (!field.nullable) {
      throw new QueryError(`${this.reverse.owner.meta.name}.${field.name} is not nullable: rows cannot be removed from ${this.reverse.name}; delete them instead.`);
    }
    for (const item of items) await item.update({ [this.reverse.field]: null });
  }

  /** Unlinks every row (the foreign key must be nullable). */
  async clear(): Promise<void> {
    await this.remove(...(await this.getQuerySet()));
  }
}
