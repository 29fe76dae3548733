import type { Knex } from 'knex';
import type { Dialect } from '../dialects';
import { addForeignKey, createTable, dropTable } from '../metadata/ddl';
import type { ColumnDefinition } from '../metadata/table-definition';
import type { Operation, TableName } from './operations';
import { rebuildTable } from './sqlite/rebuild';

/**
 * The Knex calls of one operation. They run against a recording `knex` (see recorder.ts) to become the
 * text of a migration; the column DDL is `dialect.addColumn`, the same `createAll` uses.
 */

const qualified = (t: TableName) => (t.schema ? `${t.schema}.${t.name}` : t.name);
const schemaOf = (knex: Knex, t: TableName) => (t.schema ? knex.schema.withSchema(t.schema) : knex.schema);

/** A column's full definition on a table builder: type, nullability, default (what `.alter()` needs). */
export function defineColumn(t: Knex.CreateTableBuilder, c: ColumnDefinition, dialect: Dialect, options: { default?: unknown } = {}): Knex.ColumnBuilder {
  const col = dialect.addColumn(t, c);
  if (c.primaryKey && !c.autoincrement) col.primary();
  if (c.nullable) col.nullable();
  else col.notNullable();
  const fallback = options.default !== undefined ? options.default : c.default;
  if (fallback !== undefined) col.defaultTo(fallback as Knex.Value);
  return col;
}

/** Writes the Knex calls of `op` on `knex`. */
export async function operationSteps(op: Operation, knex: Knex, dialect: Dialect): Promise<void> {
  switch (op.kind) {
    case 'createTable': {
      // Foreign keys that close a cycle are added by their own operation once both tables exist.
      const later = new Set(op.table.foreignKeys.filter((fk) => op.withoutForeignKeys?.includes(fk.column)));
      void createTable(knex.schema, op.table, dialect, later);
      return;
    }
    case 'dropTable':
      void dropTable(knex.schema, op.table);
      return;
    case 'renameTable':
      void schemaOf(knex, op.table).renameTable(op.table.name, op.to);
      return;
    case 'addColumn':
      if (op.fill !== undefined && !op.column.nullable) {
        // Existing rows take the fill value through a temporary default, which the alter then removes.
        void schemaOf(knex, op.table).alterTable(op.table.name, (t) => void defineColumn(t, op.column, dialect, { default: op.fill }));
        if (op.column.default === undefined) void schemaOf(knex, op.table).alterTable(op.table.name, (t) => void defineColumn(t, op.column, dialect).alter());
        return;
      }
      void schemaOf(knex, op.table).alterTable(op.table.name, (t) => void defineColumn(t, op.column, dialect));
      return;
    case 'dropColumn':
      void schemaOf(knex, op.table).alterTable(op.table.name, (t) => void t.dropColumn(op.column.name));
      return;
    case 'renameColumn':
      void schemaOf(knex, op.table).alterTable(op.table.name, (t) => void t.renameColumn(op.from, op.to));
      return;
    case 'alterColumn':
      if (op.fill !== undefined) void knex(qualified(op.table)).whereNull(op.to.name).update({ [op.to.name]: op.fill });
      void schemaOf(knex, op.table).alterTable(op.table.name, (t) => void defineColumn(t, op.to, dialect).alter());
      return;
    case 'addIndex':
      void schemaOf(knex, op.table).alterTable(op.table.name, (t) => {
        if (op.index.unique) t.unique(op.index.columns, { indexName: op.index.name });
        else t.index(op.index.columns, op.index.name);
      });
      return;
    case 'dropIndex':
      void schemaOf(knex, op.table).alterTable(op.table.name, (t) => {
        if (op.index.unique) t.dropUnique(op.index.columns, op.index.name);
        else t.dropIndex(op.index.columns, op.index.name);
      });
      return;
    case 'addForeignKey':
      void schemaOf(knex, op.table).alterTable(op.table.name, (t) => addForeignKey(t, op.foreignKey));
      return;
    case 'dropForeignKey':
      void schemaOf(knex, op.table).alterTable(op.table.name, (t) => void t.dropForeign([op.foreignKey.column], op.foreignKey.name));
      return;
    case 'rebuildTable':
      return rebuildTable(op, knex, dialect);
  }
}
