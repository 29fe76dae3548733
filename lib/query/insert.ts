import type { BaseModel } from '../models/base-model';
import { LOCATION, locationAt, PERSISTED } from '../models/state';
import { validateInstanceNow, validateManyNow } from '../validation';
import { ambientSchema, tableSchema, writing } from './executor';
import { routedAlias } from './routing';
import type { RunSql } from '../dialects/dialect';
import { applyDefaults } from './row';
import { fillContentTypes } from '../contenttypes/fill';
import { metaOf, type FieldMeta, type ModelMeta } from '../metadata/types';
import { onMetadataChange } from './forget';
import { checkRepeatedKeys, type ConflictPlan } from './upsert';
import { noteSecretRows } from '../database/secret-bindings';
import { andThen, settle, type Maybe } from '../maybe';
import type { Database } from '../database/database';

/** `bulkCreate()`'s conflict options are checked in upsert.ts. */
export { conflictPlan, type BulkCreateOptions } from './upsert';

/** Options of an insert: where to write and how many rows per statement. */
export interface InsertOptions {
  alias?: string;
  schema?: string;
  /** Rows per INSERT; capped by the dialect's bound-parameter limit. */
  batchSize?: number;
  /** A bulk insert: validation errors name the item's index (`[3].email`) even for one item. */
  bulk?: boolean;
  /** Rows duplicating a unique key are skipped or update the existing row (see `upsert.ts`); keys are set where the database reports them. */
  conflict?: ConflictPlan;
}

/**
 * Inserts instances of one model: defaults, preSave receivers, validation of every instance (nothing is
 * written if one fails), batched INSERTs inside one transaction, keys set on the instances, postSave.
 */
export function insertMany(instances: readonly BaseModel[], options: InsertOptions = {}): Promise<void> {
  return settle(() => insertNow(instances, options));
}

/**
 * @internal `insertMany()`, done now where every step can be: no receivers, no content types, no
 * class-validator decorators and a driver that answers at once (see `Database.runStatementNow`); otherwise a
 * promise. Throws what it would reject with when it ran now.
 */
export function insertNow(instances: readonly BaseModel[], options: InsertOptions = {}): Maybe<void> {
  if (instances.length === 0) return;
  const meta = metaOf(instances[0]);
  const alias = options.alias ?? routedAlias(meta, 'write', meta.database, { instance: instances[0] });
  const db = writing(meta, alias);
  for (const instance of instances) applyDefaults(instance, meta);
  return andThen(prepare(instances, meta, options), () =>
    andThen(writeRows(instances, meta, db, alias, options), () => {
      const location = locationAt(meta.database, alias, options.schema ?? ambientSchema(meta));
      for (const instance of instances) {
        // A skipped row's instance has no key: it was not written, and stays unsaved.
        if (options.conflict && (instance.pk === undefined || instance.pk === null)) continue;
        const state = instance as unknown as Record<symbol, unknown>;
        state[PERSISTED] = true;
        if (location) state[LOCATION] = location;
      }
      if (meta.signals.postSave.hasReceivers) return sendPostSave(instances, meta);
    }),
  );
}

/** Content types filled, preSave sent, every instance validated: what must hold before anything is written. */
function prepare(instances: readonly BaseModel[], meta: ModelMeta, options: InsertOptions): Maybe<void> {
  if (meta.fields.has('content_type') || meta.signals.preSave.hasReceivers)
    return fillAndSend(instances, meta, options).then(() => validate(instances, meta, options));
  return validate(instances, meta, options);
}

/** The steps before validation that always take a promise: content types looked up, preSave receivers awaited. */
async function fillAndSend(instances: readonly BaseModel[], meta: ModelMeta, options: InsertOptions): Promise<void> {
  if (meta.fields.has('content_type')) await fillContentTypes(instances, meta, options.schema);
  if (meta.signals.preSave.hasReceivers) for (const i of instances) await meta.signals.preSave.send(meta.model, i, { created: true });
}

/** Every instance validated (one reports errors by field; a batch prefixes them with the item's index), then no key repeated within an upsert. */
function validate(instances: readonly BaseModel[], meta: ModelMeta, options: InsertOptions): Maybe<void> {
  const validated =
    instances.length === 1 && !options.bulk ? validateInstanceNow(instances[0], meta, { insert: true }) : validateManyNow(instances, meta, { insert: true });
  return andThen(validated, () => {
    if (options.conflict) checkRepeatedKeys(options.conflict, instances);
  });
}

async function sendPostSave(instances: readonly BaseModel[], meta: ModelMeta): Promise<void> {
  for (const i of instances) await meta.signals.postSave.send(meta.model, i, { created: true });
}

/** The columns an INSERT writes, in field order: the same arrays every time for the same set (dialects key their SQL on them). */
interface InsertPlan {
  fields: FieldMeta[];
  columns: string[];
}

/** A model's insertable fields (generated columns are the database's to compute, never inserted) and the plans made of them. */
interface ModelPlans {
  insertable: FieldMeta[];
  /** By the set of fields written: a bit per insertable field, in field order. */
  bySet: Map<number, InsertPlan>;
}

let plans = new WeakMap<ModelMeta, ModelPlans>();
onMetadataChange(() => (plans = new WeakMap()));

/** Plans by a bit per field fit in a small integer up to this many insertable fields; a wider model's plan is made per call. */
const PLANNED_FIELDS = 30;

/** The fields any instance has a value for, in field order; the others are left to the database. */
function insertPlan(meta: ModelMeta, instances: readonly BaseModel[]): InsertPlan {
  let model = plans.get(meta);
  if (!model) plans.set(meta, (model = { insertable: [...meta.fields.values()].filter((f) => f.generated === undefined), bySet: new Map() }));
  const { insertable } = model;
  const given = (f: FieldMeta) => instances.some((i) => (i as unknown as Record<string, unknown>)[f.attname] !== undefined);
  if (insertable.length > PLANNED_FIELDS) {
    const fields = insertable.filter(given);
    return { fields, columns: fields.map((f) => f.column) };
  }
  let set = 0;
  for (let i = 0; i < insertable.length; i++) if (given(insertable[i])) set |= 1 << i;
  let plan = model.bySet.get(set);
  if (!plan) {
    const fields = insertable.filter((_, i) => (set & (1 << i)) !== 0);
    model.bySet.set(set, (plan = { fields, columns: fields.map((f) => f.column) }));
  }
  return plan;
}

/** The INSERT statements: batched to the dialect's parameter limit (several in one transaction), keys set on the instances. */
function writeRows(instances: readonly BaseModel[], meta: ModelMeta, db: Database, alias: string | undefined, options: InsertOptions): Maybe<void> {
  const pk = meta.fields.get(meta.pkName)!;
  const driver = db.driver;
  const { fields, columns } = insertPlan(meta, instances);
  const rows = instances.map((instance) => {
    const target = instance as unknown as Record<string, unknown>;
    return fields.map((f) => {
      const value = target[f.attname];
      return value === undefined ? undefined : driver.toDb(f.type, value);
    });
  });
  noteSecretRows(fields, rows);
  const size = Math.max(1, Math.min(options.batchSize ?? Infinity, Math.floor(driver.maxBindings / Math.max(1, columns.length))));
  const table = { schema: tableSchema(meta, options.schema, alias), name: meta.tablename };
  // Statements in the dialect's own placeholders, straight on the driver connection (see `Database.runStatement`).
  const run: RunSql = (sql, bindings, want) => db.runStatementNow(sql, bindings, want);
  const inTransaction = <R>(fn: () => Promise<R>): Promise<R> => (db.inTransaction ? fn() : db.transaction(fn));
  const { conflict } = options;
  const insertBatch = (start: number): Maybe<void> => {
    const batch = rows.slice(start, start + size);
    const ids = conflict
      ? driver.insertOnConflict(run, inTransaction, table, columns, batch, pk.column, conflict.action)
      : driver.insertRows(run, table, columns, batch, pk.column);
    return andThen(ids, (keys) => {
      if (!keys) return;
      for (let i = 0; i < batch.length; i++) {
        const target = instances[start + i] as unknown as Record<string, unknown>;
        // An upserted row keeps the key it already had in the table, whatever key the instance was given.
        if (conflict || target[pk.attname] === undefined || target[pk.attname] === null) target[pk.attname] = driver.fromDb(pk.type, pk.jsKind, keys[i]);
      }
    });
  };
  if (rows.length <= size) return insertBatch(0);
  return db.transaction(async () => {
    for (let start = 0; start < rows.length; start += size) await insertBatch(start);
  });
}
