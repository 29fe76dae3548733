import type { Dialect } from '../dialects';
import type { IntrospectedColumn, IntrospectedConstraint, IntrospectedTable } from '../dialects/introspection';
import { LIVE_SPEC_KEYS, liveTypeName } from '../dialects/introspection';
import { copyColumnSpec } from '../metadata/column-spec';
import type { TableDdl } from '../metadata/ddl';
import type { ColumnDefinition, ConstraintDefinition, ForeignKeyDefinition, TableDefinition } from '../metadata/table-definition';
import type { ReferentialAction } from '../metadata/types';
import { FIELD_TYPES, REFERENTIAL_ACTIONS } from '../metadata/types';
import { typeParts } from '../dialects/common';

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

/** A column as DDL sees it, with what only a live column knows. */
export interface ColumnShape extends ColumnDefinition {
  /** The live CHECK constraint holding an enum's choices (PostgreSQL), which a change of them replaces. */
  checkName?: string;
}

/** A table as DDL sees it; columns carry no `unique`/`index` flags (those are in `indexes`). */
export interface TableShape extends TableDdl {
  columns: ColumnShape[];
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

/** Identity of an index for the diff: its kind and columns in order (names do not matter). */
export const indexKey = (i: { columns: readonly string[]; unique: boolean }) => `${i.unique ? 'u' : 'i'}:${i.columns.join(',')}`;

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
  const keyColumns = table.columns.filter((c) => c.primaryKey).map((c) => c.name);
  return {
    name: table.name,
    schema: table.schema,
    columns: table.columns.map((c) => ({ ...c, unique: false, index: false })),
    primaryKey: table.primaryKey,
    primaryKeys: keyColumns.length ? keyColumns : [table.primaryKey],
    foreignKeys: table.foreignKeys.map((fk) => ({ ...fk })),
    uniqueTogether: [],
    indexes,
    ...(table.constraints?.length ? { constraints: table.constraints } : undefined),
    comment: table.comment,
  };
}

/** Referential actions as keelson spells them; NO ACTION and RESTRICT behave alike for the diff. */
export function normalizeAction(action: string | undefined): ReferentialAction {
  const spelled = liveAction(action);
  return spelled === 'RESTRICT' ? 'NO ACTION' : spelled;
}

/** A live referential action in keelson's spelling (unknown ones read as NO ACTION). */
function liveAction(action: string | undefined): ReferentialAction {
  const upper = (action ?? 'NO ACTION').toUpperCase();
  return (REFERENTIAL_ACTIONS.has(upper) ? upper : 'NO ACTION') as ReferentialAction;
}

/**
 * The shape of a live table. With the dialect, each column takes the field type whose DDL gives its live
 * type, so a table re-created from this shape (a down migration, an SQLite rebuild) is the same again:
 * introspection calls SQLite's and MySQL's `char(36)` a string, but it is how they store keelson's uuid.
 */
export function liveShape(table: IntrospectedTable, schema: string | undefined, dialect?: Dialect): TableShape {
  const columns: ColumnShape[] = table.columns.map((c) =>
    reproducible(
      {
        ...copyColumnSpec(c, LIVE_SPEC_KEYS),
        name: c.name,
        // Uniques are entries of the table's `indexes`, as on a model's shape.
        unique: false,
        index: false,
        // An unsigned key column (MySQL) is one keelson made to reference an auto-increment key: re-created or
        // altered back, it must stay unsigned, or its foreign key no longer fits.
        ...(isUnsignedReference(c) ? { referencesAutoincrement: true } : {}),
        ...(c.checkName !== undefined ? { checkName: c.checkName } : {}),
      },
      c,
      dialect,
    ),
  );
  const primaryKeys = table.columns.filter((c) => c.primaryKey).map((c) => c.name);
  const live = table.indexes as { name: string; columns: string[]; unique: boolean }[] | undefined;
  const indexes: IndexShape[] = live
    ? live.map((i) => ({ name: i.name, columns: [...i.columns], unique: i.unique }))
    : [
        ...table.columns
          .filter((c) => c.unique && !c.primaryKey)
          .map((c) => ({ name: defaultIndexName(table.name, [c.name], true), columns: [c.name], unique: true })),
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
      // As the database has them (RESTRICT stays RESTRICT when the table is re-created); the diff compares them normalized.
      onDelete: liveAction(fk.onDelete),
      onUpdate: liveAction(fk.onUpdate),
    })),
    uniqueTogether: [],
    indexes,
    ...(table.constraints?.length ? { constraints: table.constraints.map(liveConstraint) } : undefined),
    live: new Map(table.columns.map((c) => [c.name, c])),
  };
}

/** A live CHECK or partial unique index as DDL sees it: the predicate as the database printed it. */
function liveConstraint(c: IntrospectedConstraint): ConstraintDefinition {
  if ('check' in c) return { kind: 'check', name: c.name, check: c.check };
  const where = c.where;
  return { kind: 'unique', name: c.name, columns: [...c.unique], where: () => where };
}

/** Identity of a constraint for the diff: its kind and name (and a unique's columns). Expressions are not compared. */
export const constraintKey = (c: ConstraintDefinition) => (c.kind === 'check' ? `check:${c.name}` : `unique:${c.name}:${c.columns.join(',')}`);

/** Whether a live integer column is unsigned without being an auto-increment key itself (MySQL prints `int(10) unsigned`). */
function isUnsignedReference(c: IntrospectedColumn): boolean {
  return (c.type === 'integer' || c.type === 'bigint') && !c.autoincrement && typeParts(c.dbType).modifiers.includes('unsigned');
}

/**
 * `column` under the field type whose DDL on `dialect` has the live column's type (its own when it does), else
 * with the live type as its `dbType` (a domain, `tsvector`, `mediumint`…), so re-creating it gives that type again.
 */
function reproducible(column: ColumnShape, live: IntrospectedColumn, dialect: Dialect | undefined): ColumnShape {
  if (!dialect || (!live.custom && dialect.columnTypeMatches(column, live))) return column;
  for (const type of live.custom ? [] : FIELD_TYPES) {
    if (type === column.type || type === 'enum' || type === 'array') continue;
    const candidate = { ...column, type };
    if (dialect.columnTypeMatches(candidate, live)) return candidate.type === 'string' ? candidate : { ...candidate, maxLength: undefined };
  }
  return { ...column, dbType: liveTypeName(live) };
}
