import type { ModelClass, ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { LOCATION, Location, PERSISTED } from '../models/state';
import { validateInstance, validateMany } from '../validation';
import { databaseOf, execute, tableQuery } from './executor';
import { applyDefaults, rowOf } from './row';

/** Options of an insert: where to write and how many rows per statement. */
export interface InsertOptions {
  alias?: string;
  schema?: string;
  /** Rows per INSERT; capped by the dialect's bound-parameter limit. */
  batchSize?: number;
  /** A bulk insert: validation errors name the item's index (`[3].email`) even for one item. */
  bulk?: boolean;
}

const metaOf = (instance: BaseModel): ModelMeta => (instance.constructor as ModelClass).meta;

/**
 * Inserts instances of one model: defaults, preSave receivers, validation of every instance (nothing is
 * written if one fails), batched INSERTs inside one transaction, keys set on the instances, postSave.
 */
export async function insertMany(instances: readonly BaseModel[], options: InsertOptions = {}): Promise<void> {
  if (instances.length === 0) return;
  const meta = metaOf(instances[0]);
  const alias = options.alias ?? meta.database;
  const db = databaseOf(meta, alias);
  const { signals } = meta;
  for (const instance of instances) applyDefaults(instance, meta);
  if (signals.preSave.hasReceivers) for (const i of instances) await signals.preSave.send(meta.model, i, { created: true });
  // One instance reports errors by field; a batch prefixes them with the item's index.
  if (instances.length === 1 && !options.bulk) await validateInstance(instances[0], meta, { insert: true });
  else await validateMany(instances, meta, { insert: true });

  const pk = meta.fields.get(meta.pkName)!;
  const fields = [...meta.fields.values()];
  const rows = instances.map((i) => rowOf(i, fields, db.driver));
  const perRow = Math.max(1, fields.length);
  const limit = Math.max(1, Math.min(db.driver.maxInsertRows, Math.floor(db.driver.maxBindings / perRow)));
  const size = Math.min(options.batchSize ?? limit, limit);
  const insertBatch = async (start: number) => {
    const batch = rows.slice(start, start + size);
    const ids = await execute(db, async (runner) => {
      const q = tableQuery(runner, meta, options.schema).insert(batch);
      if (db.driver.supportsReturning) return (await q.returning(pk.column)) as unknown[];
      // MySQL reports the first generated key of a multi-row INSERT; the rest follow it.
      const [first] = (await q) as number[];
      return batch.map((_, i) => first + i);
    });
    for (let i = 0; i < batch.length; i++) setKey(instances[start + i], ids[i]);
  };
  const setKey = (instance: BaseModel, raw: unknown) => {
    const target = instance as unknown as Record<string, unknown>;
    if (target[pk.attname] === undefined || target[pk.attname] === null) {
      const value = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[pk.column] : raw;
      target[pk.attname] = db.driver.fromDb(pk.type, pk.jsKind, value);
    }
  };
  if (rows.length <= size) await insertBatch(0);
  else {
    await db.transaction(async () => {
      for (let start = 0; start < rows.length; start += size) await insertBatch(start);
    });
  }
  const location: Location | undefined = alias !== meta.database || options.schema ? { alias, schema: options.schema } : undefined;
  for (const instance of instances) {
    const state = instance as unknown as Record<symbol, unknown>;
    state[PERSISTED] = true;
    if (location) state[LOCATION] = location;
  }
  if (signals.postSave.hasReceivers) for (const i of instances) await signals.postSave.send(meta.model, i, { created: true });
}
