import { classMeta } from './types';
import type { ModelMeta, ReferentialAction } from './types';
import type { ColumnSpec } from './column-spec';
import { copyColumnSpec } from './column-spec';
import type { Dialect } from '../dialects/dialect';
import { conditionSql } from './constraint-condition';

/** A column as DDL sees it: its spec under its column name, no JS concerns. */
export interface ColumnDefinition extends ColumnSpec {
  /** The column's name. */
  name: string;
  /** An index on the column alone. */
  index: boolean;
  /** Only literal defaults reach DDL; functions and objects are applied by keelson on insert. */
  default?: string | number | boolean;
  /** Set when this column is a foreign key to an auto-increment key (MySQL needs matching signedness). */
  referencesAutoincrement?: boolean;
}

/** A foreign-key constraint. */
export interface ForeignKeyDefinition {
  column: string;
  table: string;
  schema?: string;
  references: string;
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

/**
 * A CHECK constraint (`check` is its SQL expression), or a unique index over `columns` that covers only the rows
 * `where` holds for (its predicate as the dialect writes it: compiled from a model's lookups, or read from a live one).
 */
export type ConstraintDefinition =
  { kind: 'check'; name: string; check: string } | { kind: 'unique'; name: string; columns: string[]; where: (dialect: Dialect) => string };

/** One table of a `MetaData`: everything needed to emit its DDL. */
export interface TableDefinition {
  name: string;
  schema?: string;
  columns: ColumnDefinition[];
  /** The primary key's column (the first one of a composite key; every key column has `primaryKey` set). */
  primaryKey: string;
  foreignKeys: ForeignKeyDefinition[];
  uniqueTogether: string[][];
  indexes: { name?: string; columns: string[]; unique: boolean }[];
  /** CHECK constraints and partial unique indexes (a `constraints` unique without a condition is one of `indexes`). */
  constraints?: ConstraintDefinition[];
  comment?: string;
  /** The model the table was built from. */
  model: ModelMeta;
}

const isLiteral = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Builds the table definition of a model whose relations are bound. */
export function tableDefinition(meta: ModelMeta, schema: string | undefined, sharedSchema = schema): TableDefinition {
  const columns: ColumnDefinition[] = [];
  const foreignKeys: ForeignKeyDefinition[] = [];
  for (const f of meta.fields.values()) {
    const related = f.relation?.target;
    const target = related ? classMeta(related) : undefined;
    const targetPk = target?.fields.get(target.pkName);
    columns.push({
      ...copyColumnSpec(f),
      name: f.column,
      unique: f.unique && !f.primaryKey,
      index: f.index,
      default: isLiteral(f.default) ? f.default : undefined,
      referencesAutoincrement: targetPk?.autoincrement,
    });
    // A relation to a model on another database gets no constraint: the database could not enforce it.
    if (target && targetPk && target.database === meta.database && target.registry.databaseFor(target.database) === meta.registry.databaseFor(meta.database)) {
      foreignKeys.push({
        column: f.column,
        table: target.tablename,
        schema: target.shared ? sharedSchema : schema,
        references: targetPk.column,
        onDelete: f.relation!.onDelete,
        onUpdate: f.relation!.onUpdate,
      });
    }
  }
  const column = (field: string) => meta.fields.get(field)!.column;
  const uniqueTogether = meta.uniqueTogether.map((fields) => fields.map(column));
  const indexes: TableDefinition['indexes'] = meta.indexes.map((i) => ({ name: i.name, columns: i.fields.map(column), unique: i.unique === true }));
  const constraints: ConstraintDefinition[] = [];
  for (const c of meta.constraints) {
    if ('check' in c) constraints.push({ kind: 'check', name: c.name, check: c.check });
    else if (!c.condition) indexes.push({ name: c.name, columns: c.unique.map(column), unique: true });
    else {
      const condition = c.condition;
      const where = `${meta.name}: constraint "${c.name}"`;
      constraints.push({ kind: 'unique', name: c.name, columns: c.unique.map(column), where: (dialect) => conditionSql(meta, condition, dialect, where) });
    }
  }
  dropCoveredForeignKeyIndexes(meta, columns, uniqueTogether, indexes);
  return {
    name: meta.tablename,
    schema,
    columns,
    primaryKey: column(meta.pkName),
    foreignKeys,
    uniqueTogether,
    indexes,
    ...(constraints.length ? { constraints } : undefined),
    comment: meta.comment,
    model: meta,
  };
}

/**
 * Foreign-key columns are indexed by default (as Django does: PostgreSQL makes no index for them); one that
 * leads the primary key, a unique constraint or another index is served by that one and gets none of its own.
 */
function dropCoveredForeignKeyIndexes(meta: ModelMeta, columns: ColumnDefinition[], uniqueTogether: string[][], indexes: TableDefinition['indexes']): void {
  const leading = new Set<string>();
  const key = columns.find((c) => c.primaryKey);
  if (key) leading.add(key.name);
  for (const c of columns) if (c.unique) leading.add(c.name);
  for (const cols of uniqueTogether) leading.add(cols[0]);
  for (const index of indexes) leading.add(index.columns[0]);
  // Columns follow the fields one for one.
  let i = 0;
  for (const f of meta.fields.values()) {
    const c = columns[i++];
    if (c.index && f.relation && leading.has(c.name)) c.index = false;
  }
}
