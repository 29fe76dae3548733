import type { Knex } from 'knex';
import type { Dialect } from '../../dialect';
import { createPartialUnique, createTable } from '../../../metadata/ddl';
import type { RebuildTable } from '../../migration-hooks';

/** The temporary name a table is rebuilt under before it takes the old one's place. */
export const rebuildName = (table: string) => `_keelson_new_${table}`;

/**
 * SQLite's ALTER TABLE cannot change a column's type, nullability or default, nor add or drop a foreign
 * key. SQLite's documented procedure does it instead: create the table in its new shape under a
 * temporary name, copy the rows, drop the old table, rename the new one and recreate the indexes (their
 * names are schema-wide, so they can only be created once the old table is gone). The migration runs it
 * with foreign keys off and checks them before committing (see lib/migrations/writer.ts).
 */
export function rebuildTable(op: RebuildTable, knex: Knex, dialect: Dialect): void {
  const { from, to } = op;
  const temporary = rebuildName(to.name);
  // Index names are schema-wide: the indexes (partial uniques among them) come once the old table is gone.
  const checks = (to.constraints ?? []).filter((c) => c.kind === 'check');
  void createTable(knex.schema, { ...to, name: temporary, indexes: [], uniqueTogether: [], constraints: checks }, dialect);
  const targets: string[] = [];
  const sources: string[] = [];
  const targetBindings: unknown[] = [];
  const bindings: unknown[] = [];
  for (const m of op.copy) {
    if (m.from === undefined && m.fill === undefined) continue; // the column's default fills it
    targets.push('??');
    targetBindings.push(m.column);
    if (m.from !== undefined && m.fill !== undefined) {
      sources.push('coalesce(??, ?)');
      bindings.push(m.from, m.fill);
    } else if (m.from !== undefined) {
      sources.push('??');
      bindings.push(m.from);
    } else {
      sources.push('?');
      bindings.push(m.fill);
    }
  }
  if (targets.length) {
    void knex.raw(`insert into ?? (${targets.join(', ')}) select ${sources.join(', ')} from ??`, [
      temporary,
      ...targetBindings,
      ...bindings,
      from.name,
    ] as Knex.RawBinding[]);
  }
  void knex.schema.dropTable(from.name);
  void knex.schema.renameTable(temporary, to.name);
  if (to.indexes.length) {
    void knex.schema.alterTable(to.name, (t) => {
      for (const index of to.indexes) {
        if (index.unique) t.unique(index.columns, { indexName: index.name });
        else t.index(index.columns, index.name);
      }
    });
  }
  for (const c of to.constraints ?? []) if (c.kind === 'unique') void knex.schema.raw(createPartialUnique(to, c, dialect));
}
