import type { Knex } from 'knex';
import type { Dialect } from '../dialects';
import { quotedBody, sameChoices } from '../dialects/common';
import { addCheck, addForeignKey, createPartialUnique, createTable, defineColumn, dropTable } from '../metadata/ddl';
import type { ColumnDefinition } from '../metadata/table-definition';
import type { Operation, TableName } from './operations';
import type { ColumnShape } from './shape';
import { rebuildTable } from './sqlite/rebuild';

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
      // Knex's MySQL RENAME TABLE leaves the schema out: both names are qualified instead.
      if (dialect.name === 'mysql' && op.table.schema) void knex.schema.renameTable(qualified(op.table), qualified({ name: op.to, schema: op.table.schema }));
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
      if (op.fill !== undefined) void knex(qualified(op.table)).whereNull(op.to.name).update({ [op.to.name]: op.fill });
      if (dialect.name === 'postgres' && (op.from.type === 'enum' || op.to.type === 'enum')) return alterPostgresEnum(op, knex, dialect);
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
      return rebuildTable(op, knex, dialect);
  }
}

/**
 * PostgreSQL's name for a constraint it names itself (`<table>_<column>_check`), shortened as PostgreSQL
 * shortens it to 63 bytes: the longer of the two names loses characters first.
 */
function postgresConstraintName(table: string, column: string, label: string): string {
  let [a, b] = [table.length, column.length];
  while (a + b > 63 - label.length - 2) {
    if (a > b) a--;
    else b--;
  }
  return `${table.slice(0, a)}_${column.slice(0, b)}_${label}`;
}

/**
 * A column change on PostgreSQL where either side is keelson's enum (a text column with
 * `CHECK (column IN (…))`): Knex would paste the CHECK into `ALTER COLUMN … TYPE`, which PostgreSQL refuses.
 * The old list's constraint comes off, the column changes as text, and the new list goes on as a constraint
 * named the way PostgreSQL names the one `createAll` makes.
 */
function alterPostgresEnum(op: Extract<Operation, { kind: 'alterColumn' }>, knex: Knex, dialect: Dialect): void {
  const from = op.from as ColumnShape;
  const to = op.to;
  const table = qualified(op.table);
  const sameList = from.type === 'enum' && to.type === 'enum' && sameChoices(to.choices, (from.choices ?? []).map(String), false);
  if (from.type === 'enum' && !sameList) {
    void knex.raw('alter table ?? drop constraint if exists ??', [table, from.checkName ?? postgresConstraintName(op.table.name, from.name, 'check')]);
  }
  const column: ColumnDefinition = to.type === 'enum' ? { ...to, type: 'text', choices: undefined } : to;
  void schemaOf(knex, op.table).alterTable(op.table.name, (t) => void defineColumn(t, column, dialect).alter());
  if (to.type === 'enum' && !sameList) {
    // Literals are written into the statement (DDL takes no parameters); `\\?` keeps knex from reading a `?` in one as a binding.
    const list = (to.choices ?? []).map((c) => `'${quotedBody(c).replace(/\?/g, '\\?')}'`).join(', ');
    void knex.raw(`alter table ?? add constraint ?? check (?? in (${list}))`, [table, postgresConstraintName(op.table.name, to.name, 'check'), to.name]);
  }
}
