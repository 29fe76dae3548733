import { QueryError } from '../errors';
import type { FieldMeta } from '../metadata/types';
import type { QuerySetState } from './state';

/** Columns of the root model a queryset reads: every field, or its `only` / `defer` selection (the key always). */
export function selectedFields(state: QuerySetState): FieldMeta[] {
  const { meta, only, defer } = state;
  const all = [...meta.fields.values()];
  if (!only && !defer) return all;
  const check = (names: readonly string[], method: string) => {
    for (const name of names) {
      if (!meta.fields.has(name) && !meta.attnames.has(name)) {
        throw new QueryError(`${method}("${name}"): ${meta.name} has no field "${name}" (fields: ${[...meta.fields.keys()].join(', ')}).`);
      }
    }
  };
  if (only) check(only, 'only');
  if (defer) check(defer, 'defer');
  const wanted = (f: FieldMeta) =>
    f.primaryKey || ((!only || only.includes(f.name) || only.includes(f.attname)) && !(defer && (defer.includes(f.name) || defer.includes(f.attname))));
  return all.filter(wanted);
}
