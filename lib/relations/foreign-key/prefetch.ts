import type { FieldMeta, ModelMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import { readAttribute, relatedCache } from '../../models/state';
import type { QuerySet } from '../../query/queryset';
import { databaseOf } from '../../query/executor';
import { chunks, PrefetchContext } from '../prefetch-batch';

/** Rows of the queryset whose `key` is in `values`, in `IN` batches the dialect can bind. */
export async function fetchIn(query: QuerySet<BaseModel>, key: string, values: unknown[]): Promise<BaseModel[]> {
  if (values.length === 0) return [];
  const size = Math.max(1, databaseOf(query.state.meta, query.state.alias).driver.maxBindings - 100);
  const out: BaseModel[] = [];
  for (const part of chunks(values, size)) out.push(...(await query.filter({ [`${key}__in`]: part }).fetch()));
  return out;
}

/** A queryset over `meta` on the prefetching queryset's alias and schema. */
export function located(meta: ModelMeta, context: PrefetchContext): QuerySet<BaseModel> {
  let qs = context.querySetOf(meta).using(context.alias);
  if (context.schema) qs = qs.usingSchema(context.schema);
  if (context.primary) qs = qs.usingPrimary();
  return qs;
}

/** `post.author` for every post: one query for all the distinct keys. */
export async function prefetchForward(items: BaseModel[], field: FieldMeta, context: PrefetchContext): Promise<BaseModel[]> {
  const target = field.relation!.target!.meta;
  const keys = [...new Set(items.map((i) => readAttribute(i, field.attname)).filter((k) => k !== null && k !== undefined))];
  const found = await fetchIn(located(target, context), target.pkName, keys);
  const byKey = new Map(found.map((row) => [String(row.pk), row]));
  for (const item of items) {
    const key = readAttribute(item, field.attname);
    relatedCache(item)[field.name] = key === null || key === undefined ? null : (byKey.get(String(key)) ?? null);
  }
  return found;
}
