import type { BaseModel } from '../models/base-model';
import { execute, writing } from './executor';
import type { QuerySet } from './queryset';
import { stateAlias } from './routing';
import { deleteCached } from './shapes/write-shape';

/**
 * `QuerySet.delete()`: the matching rows deleted on the alias writes go to; with preDelete / postDelete
 * receivers, the rows are read first and each instance is sent, in one transaction. Returns the count.
 */
export function deleteRows<T extends BaseModel>(queryset: QuerySet<T>): Promise<number> {
  const alias = stateAlias(queryset.state, 'write');
  // At the synchronous start: reads after this delete must see it (sticky reads with replicas).
  const db = writing(queryset.state.meta, alias);
  return deleteOn(alias === queryset.state.alias ? queryset : queryset.using(alias), db);
}

async function deleteOn<T extends BaseModel>(qs: QuerySet<T>, db: ReturnType<typeof writing>): Promise<number> {
  const { meta } = qs.state;
  const { signals } = meta;
  const quiet = !signals.preDelete.hasReceivers && !signals.postDelete.hasReceivers;
  const deleted = quiet ? await deleteCached(qs.state, db) : undefined;
  if (deleted !== undefined) return deleted;
  const { compiler } = await qs.compile();
  if (quiet) return Number(await execute(db, (runner) => compiler.writeTarget(runner).delete()));
  return db.transaction(async () => {
    const instances = await qs.fetch();
    for (const instance of instances) await signals.preDelete.send(meta.model, instance, {});
    const count = Number(await execute(db, (runner) => compiler.writeTarget(runner).delete()));
    for (const instance of instances) await signals.postDelete.send(meta.model, instance, {});
    return count;
  });
}
