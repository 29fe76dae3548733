import type { BaseModel } from '../models/base-model';
import { execute, writing } from './executor';
import type { QuerySet } from './queryset';
import { stateAlias } from './routing';
import { deleteCached } from './shapes/write-shape';
import { andThen, settle, type Maybe } from '../maybe';

/**
 * `QuerySet.delete()`: the matching rows deleted on the alias writes go to; with preDelete / postDelete
 * receivers, the rows are read first and each instance is sent, in one transaction. Returns the count.
 */
export function deleteRows<T extends BaseModel>(queryset: QuerySet<T>): Promise<number> {
  return settle(deleteNow<T>, queryset);
}

function deleteNow<T extends BaseModel>(queryset: QuerySet<T>): Maybe<number> {
  const alias = stateAlias(queryset.state, 'write');
  // At the synchronous start: reads after this delete must see it (sticky reads with replicas).
  const db = writing(queryset.state.meta, alias);
  return deleteOn(alias === queryset.state.alias ? queryset : queryset.using(alias), db);
}

/** The DELETE on `db`: through the statement cache when no receivers need the rows first (now, on a synchronous driver). */
function deleteOn<T extends BaseModel>(qs: QuerySet<T>, db: ReturnType<typeof writing>): Maybe<number> {
  const { signals } = qs.state.meta;
  const quiet = !signals.preDelete.hasReceivers && !signals.postDelete.hasReceivers;
  return andThen(quiet ? deleteCached(qs.state, db) : undefined, orCompiled, qs, db, quiet);
}

/** The count the statement cache gave, else the DELETE built through Knex. */
function orCompiled<T extends BaseModel>(count: number | undefined, qs: QuerySet<T>, db: ReturnType<typeof writing>, quiet: boolean): Maybe<number> {
  return count ?? deleteCompiled(qs, db, quiet);
}

/** The DELETE built through Knex; with receivers, the rows read first and each instance sent, in one transaction. */
async function deleteCompiled<T extends BaseModel>(qs: QuerySet<T>, db: ReturnType<typeof writing>, quiet: boolean): Promise<number> {
  const { meta } = qs.state;
  const { signals } = meta;
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
