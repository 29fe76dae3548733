import type { ManyToManyMeta, ModelMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import { InstanceState, LOCATION, locationAt, prefetchedCache } from '../../models/state';
import { ambientSchema, databaseOf, inSchemaOf, reading, tableQuery } from '../../query/executor';
import { manyToManyRows } from '../../query/shapes/prefetch-shape';
import { hydratorFor } from '../../query/hydrator';
import { chunks, PrefetchContext } from '../prefetch-batch';
import { throughColumns } from './through-fields';

const OWNER_KEY = '__keelson_prefetch_owner';

/**
 * `post.tags` (or `tag.posts_set` when `reversed`) for every instance: one query over the far table joined
 * to the through table, carrying the near key so rows can be handed to their owners.
 */
export async function prefetchManyToMany(
  items: BaseModel[],
  owner: ModelMeta,
  m2m: ManyToManyMeta,
  reversed: boolean,
  name: string,
  context: PrefetchContext,
): Promise<BaseModel[]> {
  const far = reversed ? owner : m2m.target!.meta;
  const { through, near, far: farColumn } = throughColumns(owner, m2m, reversed);
  const db = databaseOf(far, context.alias);
  const farPk = far.fields.get(far.pkName)!.column;
  const keys = items.map((i) => i.pk);
  const hydrate = hydratorFor<BaseModel>(far, db.driver);
  const location = locationAt(far.database, context.alias, context.schema ?? ambientSchema(far));
  const groups = new Map<string, BaseModel[]>();
  const all: BaseModel[] = [];
  const size = Math.max(1, db.driver.maxBindings - 100);
  // One instance per far row, even when it is linked to several owners.
  const seen = new Map<string, BaseModel>();
  for (const part of chunks(keys, size)) {
    if (part.length === 0) continue;
    // The owner and the relation's name decide the through table and its columns: `name` with `reversed` is unique per owner.
    // The far rows live with the through rows, on the queryset's own alias: pinned there, not routed again.
    const place = { meta: far, alias: context.alias, pinned: true, primary: context.primary };
    const rows = await reading(place, (target) =>
      manyToManyRows(target, owner, `${name}${reversed ? '<' : '>'}`, far, context.alias, context.schema, part, (runner) => {
        const qb = tableQuery(runner, far, context.schema, 'f', context.alias);
        inSchemaOf(qb, { meta: far, schema: context.schema, alias: context.alias }, through, () =>
          qb.join(`${through.tablename} as j`, `j.${farColumn}`, `f.${farPk}`),
        );
        return qb
          .whereIn(`j.${near}`, part as never[])
          .select([...far.fields.values()].map((f) => `f.${f.column}`))
          .select(`j.${near} as ${OWNER_KEY}`);
      }),
    );
    for (const row of rows) {
      const id = String(row[farPk]);
      let instance = seen.get(id);
      if (!instance) {
        instance = hydrate(row);
        if (location) (instance as InstanceState)[LOCATION] = location;
        seen.set(id, instance);
        all.push(instance);
      }
      const ownerKey = String(row[OWNER_KEY]);
      const group = groups.get(ownerKey);
      if (group) group.push(instance);
      else groups.set(ownerKey, [instance]);
    }
  }
  for (const item of items) prefetchedCache(item)[name] = groups.get(String(item.pk)) ?? [];
  return all;
}
