import type { Knex } from 'knex';
import type { ColumnDefinition } from '../../../metadata/table-definition';
import { defineColumn } from '../../../metadata/ddl';
import type { ColumnShape } from '../../../migrations/shape';
import { quotedBody, sameChoices } from '../../common';
import type { Dialect, TableRef } from '../../dialect';
import type { AlterColumn } from '../../migration-hooks';

const qualified = (t: TableRef) => (t.schema ? `${t.schema}.${t.name}` : t.name);
const schemaOf = (knex: Knex, t: TableRef) => (t.schema ? knex.schema.withSchema(t.schema) : knex.schema);

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
export function alterPostgresEnum(op: AlterColumn, knex: Knex, dialect: Dialect): void {
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
