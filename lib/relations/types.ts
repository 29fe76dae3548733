import type { BaseModel } from '../models/base-model';
import type { ManyRelation as ManyRelationClass } from './many-to-many/many-relation';

/**
 * Identity type for relation properties: `author!: Relation<User>`. With it, `design:type` metadata
 * refers to `Object` instead of the target class, so entity files may import each other in a cycle.
 */
export type Relation<T> = T;

/** The manager type of a many-to-many property (`post.tags`). */
export type ManyRelation<T extends BaseModel> = ManyRelationClass<T>;
