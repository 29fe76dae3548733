import type { Knex } from 'knex';
import type { Dialect } from '../dialects';
import { NotSupportedError } from '../errors';
import { addCheck, addForeignKey, createPartialUnique, createTable, defineColumn, dropTable } from '../metadata/ddl';
import type { Operation, TableName } from './operations';

/**
 * The Knex calls of one operation. They run against a recording `knex` (see recorder.ts) to become the
 * text of a migration; the column DDL is `dialect.addColumn`, the same `createAll` uses.
 */

const qualified = (t: TableName) => (t.schema ? `${t.schema}.${t.name}` : t.name);
const schemaOf = (knex: Knex, t: TableName) => (t.schema ? knex.schema.withSchema(t.schema) : knex.schema);

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
      // Where Knex's RENAME TABLE leaves the schema out (MySQL), both names are qualified instead.
      if (dialect.renameTableNeedsQualifiedNames && op.table.schema)
        void knex.schema.renameTable(qualified(op.table), qualified({ name: op.to, schema: op.table.schema }));
      else void schemaOf(knex, op.table).renameTable(op.table.name, op.to);
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
      if (op.fill !== undefined)
        void knex(qualified(op.table))
          .whereNull(op.to.name)
          .update({ [op.to.name]: op.fill });
      // Where Knex cannot alter an enum's CHECK along with the column (PostgreSQL), the dialect writes the change.
      if (dialect.migrations.alterEnumColumn && (op.from.type === 'enum' || op.to.type === 'enum'))
        return dialect.migrations.alterEnumColumn(op, knex, dialect);
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
    case 'addConstraint': {
      const c = op.constraint;
      if (c.kind === 'check') void schemaOf(knex, op.table).alterTable(op.table.name, (t) => addCheck(t, c, dialect));
      else void knex.schema.raw(createPartialUnique(op.table, c, dialect));
      return;
    }
    case 'dropConstraint': {
      const c = op.constraint;
      // Knex writes a check's name as given: quoted here, as addCheck quotes it.
      if (c.kind === 'check') void schemaOf(knex, op.table).alterTable(op.table.name, (t) => void t.dropChecks([dialect.quoteIdentifier(c.name)]));
      else void schemaOf(knex, op.table).alterTable(op.table.name, (t) => void t.dropIndex([], c.name));
      return;
    }
    case 'rebuildTable':
      // Only a dialect that plans rebuilds (SQLite) has this operation, and it writes its steps.
      if (!dialect.migrations.rebuildTable) throw new NotSupportedError(`${dialect.displayName} does not rebuild tables: ${op.to.name} cannot be rebuilt.`);
      return dialect.migrations.rebuildTable(op, knex, dialect);
  }
}
