import type { ModelMeta } from '../metadata/types';
import { ForeignKeyRelation } from './foreign-key/relation';
import { ManyToManyRelation } from './many-to-many/relation';
import type { Relation } from './relation';
import { ReverseRelation } from './reverse/relation';

/**
 * The relation `name` of `meta` as an object: a foreign key or one-to-one, a many-to-many, or a reverse
 * accessor (hidden many-to-many paths too); undefined when `name` names none, or its target is not bound yet.
 * The one place that reads which kind of relation a name is.
 */
export function findRelation(meta: ModelMeta, name: string): Relation | undefined {
  const field = meta.fields.get(name);
  if (field?.relation) {
    const target = field.relation.target?.meta;
    return target ? new ForeignKeyRelation(meta, field, target) : undefined;
  }
  const m2m = meta.manyToMany.get(name);
  if (m2m) return m2m.target ? new ManyToManyRelation(meta, name, meta, m2m, false, false) : undefined;
  const hidden = !meta.reverse.has(name);
  const reverse = meta.reverse.get(name) ?? meta.hiddenReverse.get(name);
  if (!reverse) return undefined;
  if (reverse.kind !== 'manyToMany') return new ReverseRelation(meta, reverse);
  const owner = reverse.owner.meta;
  const field2 = owner.manyToMany.get(reverse.field)!;
  return field2.target ? new ManyToManyRelation(meta, name, owner, field2, true, hidden) : undefined;
}
