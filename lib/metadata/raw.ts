import type { ColumnSpec } from './column-spec';
import type { ConstraintOption, ReferentialAction, RelationTarget } from './types';
import type { Registry } from '../registry/registry';

/** Options of `@Field` (and `@PrimaryKey`): the column's spec, every member optional, and what only a field has. */
export interface FieldOptions extends Partial<ColumnSpec> {
  /** An index on the column alone. */
  index?: boolean;
  /** The column's name (default: the property's). */
  column?: string;
  /** Left out of `toJSON()` (at every level); its bound values are masked in query logs. */
  secret?: boolean;
  /** A date or datetime set to now when the row is inserted without a value (a creation time). */
  autoNowAdd?: boolean;
  /** A date or datetime set to now on every insert, `save()` and `update()` (a modification time). */
  autoNow?: boolean;
}

/** Options of `@ForeignKey` and `@OneToOne`. */
export interface ForeignKeyOptions {
  relatedName?: string | false;
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
  nullable?: boolean;
  column?: string;
  /** Indexes the column (default true, as Django does; none is made where a unique, an index or the primary key leads with it): false opts out. */
  index?: boolean;
  unique?: boolean;
  /** The foreign key is (part of) the primary key: a one-to-one extension table, or a join table's composite key. */
  primaryKey?: boolean;
  comment?: string;
  default?: unknown;
}

/** Options of `@ManyToMany`. */
export interface ManyToManyOptions {
  through?: RelationTarget;
  throughTablename?: string;
  relatedName?: string | false;
}

/** The `pattern` option of `@Model`: which live tables a pattern model turns into reflected models. */
export interface PatternOptions {
  include: RegExp;
  exclude?: RegExp;
  /** The generated model's name for a table (default: the pattern model's name followed by the table name). */
  template?: (tableName: string) => string;
  /** Aliases to scan (default `['default']`). */
  databases?: string[];
  /** Schemas to scan per alias (default `[null]`: the alias's default schema). */
  schemes?: (string | null)[];
}

/** Options of `@Model`. */
export interface ModelOptions {
  registry?: Registry;
  tablename?: string;
  tablePrefix?: string;
  abstract?: boolean;
  /** Alias of an extra database of the registry (`'default'` is the primary). */
  database?: string;
  uniqueTogether?: (string[] | string)[];
  indexes?: { name?: string; fields: string[]; unique?: boolean }[];
  /** CHECK constraints and (partial) unique constraints: `[{ name, check: 'price >= 0' }, { unique: ['a', 'b'], condition? }]`. */
  constraints?: ConstraintOption[];
  comment?: string;
  reflect?: boolean;
  /** Database schema of the table (else the registry's schema for the alias). */
  schema?: string;
  /**
   * A model every tenant shares: its table stays in the default schema inside `registry.withSchema()`, and
   * `createSchema(name, { initModels: true })` does not copy it into a tenant's schema.
   */
  shared?: boolean;
  /**
   * Makes this a pattern (template) model: at `connect()` every live table matching `include` and not
   * `exclude` becomes a reflected model named `template(table)` (default: this model's name + the table).
   */
  pattern?: PatternOptions;
  /** Overrides the registry name (defaults to the class name). */
  name?: string;
}

/** What a property decorator recorded, before any resolution. */
export type RawField =
  | { kind: 'field'; property: string; options: FieldOptions; designType: unknown }
  | { kind: 'foreignKey' | 'oneToOne'; property: string; target: RelationTarget; options: ForeignKeyOptions }
  | { kind: 'manyToMany'; property: string; target: RelationTarget; options: ManyToManyOptions };

const RAW_FIELDS = Symbol.for('keelson:raw-fields');
const RAW_OPTIONS = Symbol.for('keelson:model-options');

/** A class as this module stores on it. */
type Carrier = Function & { [RAW_FIELDS]?: RawField[]; [RAW_OPTIONS]?: ModelOptions };

/** Records a property decorator's raw arguments on the class itself (own property: parents stay untouched). */
export function recordRawField(ctor: Function, raw: RawField): void {
  const carrier = ctor as Carrier;
  if (!Object.prototype.hasOwnProperty.call(carrier, RAW_FIELDS)) {
    Object.defineProperty(carrier, RAW_FIELDS, { value: [], enumerable: false, writable: true });
  }
  const list = carrier[RAW_FIELDS]!;
  const existing = list.findIndex((f) => f.property === raw.property);
  // Two decorators on one property: the outer one (applied last) wins.
  if (existing >= 0) list[existing] = raw;
  else list.push(raw);
}

/** The raw fields declared on this class only. */
export function ownRawFields(ctor: Function): RawField[] {
  return Object.prototype.hasOwnProperty.call(ctor, RAW_FIELDS) ? (ctor as Carrier)[RAW_FIELDS]! : [];
}

/** Records `@Model` options on the class. */
export function recordModelOptions(ctor: Function, options: ModelOptions): void {
  Object.defineProperty(ctor, RAW_OPTIONS, { value: options, enumerable: false, configurable: true });
}

/** The `@Model` options of this class, if it was decorated itself. */
export function ownModelOptions(ctor: Function): ModelOptions | undefined {
  return Object.prototype.hasOwnProperty.call(ctor, RAW_OPTIONS) ? (ctor as Carrier)[RAW_OPTIONS] : undefined;
}
