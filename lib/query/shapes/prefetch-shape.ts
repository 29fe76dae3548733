import type { Knex } from 'knex';
import type { Database } from '../../database/database';
import type { ModelMeta } from '../../metadata/types';
import { execute, tableSchema } from '../executor';
import { addParts, LONGEST_CACHED_LIST, modelId, runShape, shapeKey } from './cached';

type Row = Record<string, unknown>;

/** The many-to-many read's own builder, as `runShape` calls a builder (with its context). */
const builtBy = (runner: Knex | Knex.Transaction, build: (runner: Knex | Knex.Transaction) => Knex.QueryBuilder) => ({ query: build(runner) });

/**
 * Rows of a many-to-many prefetch (`owner.name`'s far rows for `keys`): through the statement cache for lists up
 * to the longest cached `in` list (each length is its own statement), else built by Knex every time.
 */
export async function manyToManyRows(
  db: Database,
  owner: ModelMeta,
  name: string,
  far: ModelMeta,
  alias: string,
  schema: string | undefined,
  keys: readonly unknown[],
  build: (runner: Knex | Knex.Transaction) => Knex.QueryBuilder,
): Promise<Row[]> {
  if (db.statements.capacity && keys.length <= LONGEST_CACHED_LIST) {
    const shape = shapeKey('m2m', far, tableSchema(far, schema, alias));
    addParts(shape, modelId(owner), name, keys.length);
    shape.bindings.push(...keys);
    const ran = await runShape(db, shape, 'rows', builtBy, build);
    if (ran) return ran.result as Row[];
  }
  return execute(db, build);
}
