import type { ReverseMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import { prefetchedCache, readAttribute, relatedCache } from '../../models/state';
import { fetchIn, located } from '../foreign-key/prefetch';
import type { PrefetchContext } from '../prefetch-batch';

/** `user.posts_set` (or a reverse one-to-one) for every user: one query, grouped by foreign key. */
export async function prefetchReverse(items: BaseModel[], reverse: ReverseMeta, context: PrefetchContext): Promise<BaseModel[]> {
  const owner = reverse.owner.meta;
  const field = owner.fields.get(reverse.field)!;
  const keys = items.map((i) => i.pk);
  const found = await fetchIn(located(owner, context), field.name, keys);
  const groups = new Map<string, BaseModel[]>();
  for (const row of found) {
    const key = String(readAttribute(row, field.attname));
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
