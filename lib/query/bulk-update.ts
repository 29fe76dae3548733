import type { BaseModel } from '../models/base-model';
import { InstanceState, LOCATION } from '../models/state';
import { QueryError } from '../errors';
import { validateMany } from '../validation';
import { databaseOf, execute, tableQuery, writing } from './executor';
import { stateAlias } from './routing';
import { rowOf } from './row';
import { touchNamed } from './auto-values';
import type { QuerySetState } from './state';

/** `QuerySet.bulkUpdate`: writes only `fields` of each saved instance, one transaction per database. */
export async function bulkUpdate(state: QuerySetState, instances: readonly BaseModel[], fields: readonly string[]): Promise<number> {
  const { meta } = state;
  const defaultAlias = stateAlias(state, 'write');
  writing(meta, defaultAlias);
  if (fields.length === 0) throw new QueryError('bulkUpdate() needs the names of the fields to write.');
  const metas = fields.map((name) => {
    const field = meta.fields.get(name) ?? meta.attnames.get(name);
    if (!field) throw new QueryError(`bulkUpdate(): ${meta.name} has no field "${name}".`);
    if (field.primaryKey) throw new QueryError(`bulkUpdate(): ${meta.name}.${field.name} is the primary key.`);
    return field;
  });
  if (instances.length === 0) return 0;
  for (const instance of instances) {
    if (instance.pk === undefined || instance.pk === null) throw new QueryError(`bulkUpdate(): every ${meta.name} must be saved first (one has no key).`);
  }
  // An `autoNow` field named among the fields is refreshed; one not named is not written (as Django's bulk_update).
  touchNamed(instances, metas);
  await validateMany(instances, meta, { fields: metas, insert: false });
  // Every column of a composite key addresses the row, never the first alone.
  const keys = (meta.compositeKey ?? [meta.pkName]).map((name) => meta.fields.get(name)!);
  // An instance's row is where it was read or written (another tenant's row may have the same key), so
  // instances are grouped by database; each database's group is one transaction.
  const byAlias = new Map<string, { instance: BaseModel; schema: string | undefined }[]>();
  for (const instance of instances) {
    const where = (instance as InstanceState)[LOCATION];
    const alias = where ? where.alias : defaultAlias;
    const list = byAlias.get(alias) ?? [];
    list.push({ instance, schema: where ? where.schema : state.schema });
    byAlias.set(alias, list);
  }
  let total = 0;
  for (const [alias, group] of byAlias) {
    const db = databaseOf(meta, alias);
    await db.transaction(async () => {
      for (const { instance, schema } of group) {
        const row = rowOf(instance, metas, db.driver);
        for (const f of metas) if (!(f.column in row)) row[f.column] = null;
        const values = instance as unknown as Record<string, unknown>;
        total += Number(
          await execute(db, (runner) => {
            const q = tableQuery(runner, meta, schema, undefined, alias);
            for (const key of keys) q.where(key.column, db.driver.toDb(key.type, values[key.attname]) as never);
            return q.update(row);
          }),
        );
      }
    });
  }
  return total;
}
