import { classMeta } from './types';
import type { FieldType, ModelMeta, ReferentialAction } from './types';

/** A column as DDL sees it: names and types only, no JS concerns. */
export interface ColumnDefinition {
  name: string;
  type: FieldType;
  nullable: boolean;
  primaryKey: boolean;
  autoincrement: boolean;
  unique: boolean;
  index: boolean;
  /** Only literal defaults reach DDL; functions and objects are applied by keelson on insert. */
  default?: string | number | boolean;
  maxLength?: number;
  /** Digits of a decimal; fractional-second digits of a datetime. */
  precision?: number;
  scale?: number;
  /** A datetime without a time zone when false (PostgreSQL `timestamp`). */
  timezone?: boolean;
  choices?: readonly (string | number)[];
  comment?: string;
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
  comment?: string;
  /** The model the table was built from. */
  model: ModelMeta;
}

const isLiteral = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The key a datetime column without a time zone adds (shared: spreading it allocates nothing). */
const WITHOUT_TIMEZONE = Object.freeze({ timezone: false as const });

/** Builds the table definition of a model whose relations are bound. */
export function tableDefinition(meta: ModelMeta, schema: string | undefined): TableDefinition {
  const columns: ColumnDefinition[] = [];
  const foreignKeys: ForeignKeyDefinition[] = [];
  for (const f of meta.fields.values()) {
    const related = f.relation?.target;
    const target = related ? classMeta(related) : undefined;
    const targetPk = target?.fields.get(target.pkName);
    columns.push({
      name: f.column,
      type: f.type,
      nullable: f.nullable,
      primaryKey: f.primaryKey,
      autoincrement: f.autoincrement,
      unique: f.unique && !f.primaryKey,
      index: f.index,
      default: isLiteral(f.default) ? f.default : undefined,
      maxLength: f.maxLength,
      precision: f.precision,
      scale: f.scale,
      ...(f.timezone === false ? WITHOUT_TIMEZONE : undefined),
      choices: f.choices,
      comment: f.comment,
      referencesAutoincrement: targetPk?.autoincrement,
    });
    // A relation to a model on another database gets no constraint: the database could not enforce it.
    if (target && targetPk && target.database === meta.database && target.registry.databaseFor(target.database) === meta.registry.databaseFor(meta.database)) {
      foreignKeys.push({
        column: f.column,
        table: target.tablename,
        schema,
        references: targetPk.column,
        onDelete: f.relation!.onDelete,
        onUpdate: f.relation!.onUpdate,
      });
    }
  }
  const column = (field: string) => meta.fields.get(field)!.column;
  return {
    name: meta.tablename,
    schema,
    columns,
    primaryKey: column(meta.pkName),
    foreignKeys,
    uniqueTogether: meta.uniqueTogether.map((fields) => fields.map(column)),
    indexes: meta.indexes.map((i) => ({ name: i.name, columns: i.fields.map(column), unique: i.unique === true })),
    comment: meta.comment,
    model: meta,
  };
}
