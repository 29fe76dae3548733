import type { FieldMeta, ModelMeta, ReverseMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import { prefetchedCache, relatedCache } from '../../models/state';
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
  return qs;
}

/** `post.author` for every post: one query for all the distinct keys. */
export async function prefetchForward(items: BaseModel[], field: FieldMeta, context: PrefetchContext): Promise<BaseModel[]> {
  const target = field.relation!.target!.meta;
  const keys = [...new Set(items.map((i) => (i as unknown as Record<string, unknown>)[field.attname]).filter((k) => k !== null && k !== undefined))];
  const found = await fetchIn(located(target, context), target.pkName, keys);
  const byKey = new Map(found.map((row) => [String(row.pk), row]));
  for (const item of items) {
    const key = (item as unknown as Record<string, unknown>)[field.attname];
    relatedCache(item)[field.name] = key === null || key === undefined ? null : (byKey.get(String(key)) ?? null);
  }
  return found;
}

/** `user.posts_set` (or a reverse one-to-one) for every user: one query, grouped by foreign key. */
export async function prefetchReverse(items: BaseModel[], reverse: ReverseMeta, context: PrefetchContext): Promise<BaseModel[]> {
  const owner = reverse.owner.meta;
  const field = owner.fields.get(reverse.field)!;
  const keys = items.map((i) => i.pk);
  const found = await fetchIn(located(owner, context), field.name, keys);
  const groups = new Map<string, BaseModel[]>();
  for (const row of found) {
    const key = String((row as unknown as Record<string, unknown>)[field.attname]);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  for (const item of items) {
    const group = groups.get(String(item.pk)) ?? [];
    // Each child already knows its parent: no query for `post.author` afterwards.
    for (const child of group) relatedCache(child)[field.name] = item;
    prefetchedCache(item)[reverse.name] = reverse.kind === 'oneToOne' ? (group[0] ?? null) : group;
  }
  return found;
}
