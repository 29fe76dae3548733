import type { BaseModel } from '../models/base-model';
import { databaseOf } from './executor';
import { instancesFrom } from './instances';
import { withState, type QuerySetState } from './state';
import { stateAlias } from './routing';

/**
 * `Model.query.raw(sql, bindings)`: the rows of hand-written SQL as instances of the model, read on the
 * queryset's alias (inside its ambient transaction); columns the model does not have are left out.
 */
export async function rawInstances<T extends BaseModel>(state: QuerySetState, sql: string, bindings?: readonly unknown[]): Promise<T[]> {
  const alias = stateAlias(state, 'read');
  const db = databaseOf(state.meta, alias);
  const rows = await db.raw(sql, bindings);
  return instancesFrom<T>(rows, withState(state, { alias }), db.driver);
}
