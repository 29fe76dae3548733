import type { IntrospectedColumn, IntrospectedTable } from '../dialects/introspection';
import type { TableDdl } from '../metadata/ddl';
import type { ColumnDefinition, ForeignKeyDefinition, TableDefinition } from '../metadata/table-definition';
import type { ReferentialAction } from '../metadata/types';
import { REFERENTIAL_ACTIONS } from '../metadata/types';

/**
 * One shape for a table, whether it comes from the models or from the live database, so the diff
 * compares like with like: every unique and index (single-column or not) is an entry of `indexes`.
 */

/** An index or unique constraint. */
export interface IndexShape {
  /** The live name, or the name Knex gives it by default. */
  name: string;
  columns: string[];
  unique: boolean;
}

/** A foreign-key constraint, with its live name when there is one. */
export interface ForeignKeyShape extends ForeignKeyDefinition {
  name?: string;
}

/** A table as DDL sees it; columns carry no `unique`/`index` flags (those are in `indexes`). */
export interface TableShape extends TableDdl {
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
  /** Every primary-key column (live tables may have several). */
  primaryKeys: string[];
  /** The columns as the database reported them (live tables only), for type comparison. */
  live?: Map<string, IntrospectedColumn>;
}

/** The name Knex gives an index it creates without one (`post_title_unique`, `post_a_b_index`). */
export function defaultIndexName(table: string, columns: readonly string[], unique: boolean): string {
  return `${table.replace(/\.|-/g, '_')}_${columns.join('_')}_${unique ? 'unique' : 'index'}`.toLowerCase();
}

/** The name Knex gives a foreign-key constraint it creates without one. */
export function defaultForeignKeyName(table: string, column: string): string {
  return `${table.replace(/\.|-/g, '_')}_${column}_foreign`.toLowerCase();
}

const indexKey = (i: { columns: readonly string[]; unique: boolean }) => `${i.unique ? 'u' : 'i'}:${i.columns.join(',')}`;

/** Identity of an index for the diff: its kind and columns in order (names do not matter). */
export { indexKey };

/** The shape of a table the models declare. */
export function modelShape(table: TableDefinition): TableShape {
  const indexes: IndexShape[] = [];
  const seen = new Set<string>();
  const add = (columns: string[], unique: boolean, name?: string) => {
    const index = { name: name ?? defaultIndexName(table.name, columns, unique), columns, unique };
    if (seen.has(indexKey(index))) return;
    seen.add(indexKey(index));
    indexes.push(index);
  };
  for (const c of table.columns) {
    if (c.unique && !c.primaryKey) add([c.name], true);
    if (c.index) add([c.name], false);
  }
  for (const columns of table.uniqueTogether) add(columns, true);
  for (const i of table.indexes) add(i.columns, i.unique, i.name);
  return {
    name: table.name,
    schema: table.schema,
    columns: table.columns.map((c) => ({ ...c, unique: false, index: false })),
    primaryKey: table.primaryKey,
    primaryKeys: [table.primaryKey],
    foreignKeys: table.foreignKeys.map((fk) => ({ ...fk })),
    uniqueTogether: [],
    indexes,
    comment: table.comment,
  };
}

/** Referential actions as keelson spells them; NO ACTION and RESTRICT behave alike for the diff. */
export function normalizeAction(action: string | undefined): ReferentialAction {
  const upper = (action ?? 'NO ACTION').toUpperCase();
  if (upper === 'RESTRICT') return 'NO ACTION';
  return (REFERENTIAL_ACTIONS.has(upper) ? upper : 'NO ACTION') as ReferentialAction;
}

/** The shape of a live table. */
export function liveShape(table: IntrospectedTable, schema: string | undefined): TableShape {
  const columns: ColumnDefinition[] = table.columns.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    primaryKey: c.primaryKey,
    autoincrement: c.autoincrement,
    unique: false,
    index: false,
    default: c.default,
    maxLength: c.maxLength,
    precision: c.precision,
    scale: c.scale,
    choices: c.choices,
  }));
  const primaryKeys = table.columns.filter((c) => c.primaryKey).map((c) => c.name);
  const live = table.indexes as { name: string; columns: string[]; unique: boolean }[] | undefined;
  const indexes: IndexShape[] = live
    ? live.map((i) => ({ name: i.name, columns: [...i.columns], unique: i.unique }))
    : [
        ...table.columns.filter((c) => c.unique && !c.primaryKey).map((c) => ({ name: defaultIndexName(table.name, [c.name], true), columns: [c.name], unique: true })),
        ...table.uniqueTogether.map((cols) => ({ name: defaultIndexName(table.name, cols, true), columns: [...cols], unique: true })),
      ];
  return {
    name: table.name,
    schema,
    columns,
    primaryKey: primaryKeys[0] ?? '',
    primaryKeys,
    foreignKeys: table.foreignKeys.map((fk) => ({
      name: (fk as { name?: string }).name,
      column: fk.column,
      table: fk.table,
      schema,
      references: fk.references,
      onDelete: normalizeAction(fk.onDelete),
      onUpdate: normalizeAction(fk.onUpdate),
    })),
    uniqueTogether: [],
    indexes,
    live: new Map(table.columns.map((c) => [c.name, c])),
  };
}
