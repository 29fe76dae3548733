import { Field } from '../../decorators/field';
import { metaOf } from '../metadata/types';
import type { ModelClass } from '../metadata/types';
import { BaseModel } from '../models/base-model';

/**
 * A row standing for one instance of any model: its model `name` (and `schemaName`). Every model of a
 * registry with `withContentType` points at its own row through `content_type`, so generic features
 * (tags, comments, audit logs) can point at "any instance" with one foreign key. Subclass it to add fields,
 * and pass the subclass as `withContentType`.
 */
export class ContentType extends BaseModel {
  @Field({ maxLength: 100 }) name!: string;
  @Field({ type: 'string', maxLength: 63, nullable: true }) schemaName!: string | null;
  @Field({ type: 'string', maxLength: 255, nullable: true, unique: true }) collisionKey!: string | null;

  /** The instance this row stands for, or null when it is gone. */
  async getInstance(): Promise<BaseModel | null> {
    const meta = metaOf(this);
    for (const registry of contentTypeUsers(meta.model)) {
      const model = registry.models[this.name] ?? registry.reflected[this.name];
      if (!model?.meta.fields.has('content_type')) continue;
      let qs = model.query.filter({ content_type: this } as never);
      if (this.schemaName) qs = qs.usingSchema(this.schemaName);
      return qs.first();
    }
    return null;
  }
}

type Registries = import('../registry/registry').Registry[];
const USERS = Symbol.for('keelson:content-type-users');

/** The registries whose models point at this content type model (it may be shared between registries). */
export function contentTypeUsers(model: ModelClass): Registries {
  return ((model as unknown as Record<symbol, Registries>)[USERS] ??= []);
}
