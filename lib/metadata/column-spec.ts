import type { FieldType } from './types';

/**
 * What describes one column, whoever describes it: a field's options (`FieldOptions`, every member optional),
 * a resolved field (`FieldMeta`), DDL (`ColumnDefinition`), the live database (`IntrospectedColumn`) and the
 * migration diff (`ColumnShape`) are each this plus what only they know. A new column attribute is a member
 * here; `pickColumnSpec` then carries it wherever one of them is made from another.
 */
export interface ColumnSpec {
  /** The column's keelson type (`text` for a field given only a `dbType`); a foreign key's follows its target's primary key once bound. */
  type: FieldType;
  /** Whether the column takes NULL (a primary key never does). */
  nullable: boolean;
  /**
   * The column's default: a literal (`'draft'`, `0`, `true`) reaches DDL; a function or an object is applied by
   * keelson on insert. A live column's is a literal the database has, when keelson can express it.
   */
  default?: unknown;
  /** A unique constraint on the column alone. */
  unique: boolean;
  /** Part of the primary key; several columns make a composite key. */
  primaryKey: boolean;
  /** An integer key the database numbers itself (a serial, an identity, MySQL's AUTO_INCREMENT, SQLite's rowid). */
  autoincrement: boolean;
  /** A string's length (an array's element's); keelson's default is 255. */
  maxLength?: number;
  /** Digits of a decimal; fractional-second digits of a datetime (0–6). */
  precision?: number;
  /** Digits of a decimal after the point. */
  scale?: number;
  /** A datetime that keeps a time zone (the default): false is PostgreSQL's `timestamp` without one. */
  timezone?: boolean;
  /** The values an enum column allows, in order. */
  choices?: readonly (string | number)[];
  /** The column's comment in the database. */
  comment?: string;
  /**
   * The column's raw type (`'tsvector'`, `'inet'`, `'mediumint'`, a domain or enum type): DDL uses it as written,
   * values pass as the driver gives them, migrations compare it by name. Without `type` a field is `text`.
   */
  dbType?: string;
  /** The element type of a `type: 'array'` column (PostgreSQL arrays); `maxLength`, `precision` and `scale` then describe the element. */
  of?: FieldType;
  /**
   * A generated column's SQL expression (`GENERATED ALWAYS AS (…) STORED`): the database computes the value,
   * keelson never writes it, and migrations do not compare the expression.
   */
  generated?: string;
}

/** The name of a member of `ColumnSpec`. */
export type ColumnSpecKey = keyof ColumnSpec;

/** Every member by name: the mapped type makes the compiler refuse a list that misses one or names another. */
const MEMBERS: { readonly [K in ColumnSpecKey]: K } = {
  type: 'type',
  nullable: 'nullable',
  default: 'default',
  unique: 'unique',
  primaryKey: 'primaryKey',
  autoincrement: 'autoincrement',
  maxLength: 'maxLength',
  precision: 'precision',
  scale: 'scale',
  timezone: 'timezone',
  choices: 'choices',
  comment: 'comment',
  dbType: 'dbType',
  of: 'of',
  generated: 'generated',
};

/** Every member of `ColumnSpec`, in declaration order. */
export const COLUMN_SPEC_KEYS: readonly ColumnSpecKey[] = Object.freeze(Object.values(MEMBERS));

/** The numbers in a type's parentheses (`varchar(20)`, `numeric(10,2)`, `timestamp(3)`), as a type name gives them. */
export const COLUMN_SIZE_KEYS = Object.freeze(['maxLength', 'precision', 'scale'] as const);

/** The name of one of `COLUMN_SIZE_KEYS`. */
export type ColumnSizeKey = (typeof COLUMN_SIZE_KEYS)[number];

/** Every member of `ColumnSpec` but `except`: for a source one of whose members means something else there. */
export function columnSpecKeysWithout<E extends ColumnSpecKey>(...except: E[]): readonly Exclude<ColumnSpecKey, E>[] {
  const left = new Set<ColumnSpecKey>(except);
  return Object.freeze(COLUMN_SPEC_KEYS.filter((key): key is Exclude<ColumnSpecKey, E> => !left.has(key)));
}

/** Copies one member; generic so that a member named by a union of keys keeps its type. */
function copyMember<T, K extends keyof T>(to: Partial<T>, from: T, key: K): void {
  to[key] = from[key];
}

/**
 * The column members `source` sets (every member of `ColumnSpec`, or just `keys`): a new object without the
 * undefined ones, for making one column shape from another. Members the new shape words differently
 * (a foreign key's `unique`, DDL's literal-only `default`) are overridden after it.
 */
export function pickColumnSpec<S extends Partial<ColumnSpec>>(source: S): Pick<S, ColumnSpecKey & keyof S>;
export function pickColumnSpec<S extends Partial<ColumnSpec>, K extends ColumnSpecKey & keyof S>(source: S, keys: readonly K[]): Pick<S, K>;
export function pickColumnSpec(source: Partial<ColumnSpec>, keys: readonly ColumnSpecKey[] = COLUMN_SPEC_KEYS): Partial<ColumnSpec> {
  const spec: Partial<ColumnSpec> = {};
  for (const key of keys) if (source[key] !== undefined) copyMember(spec, source, key);
  return spec;
}

/**
 * Every member of `ColumnSpec` (or just `keys`) as `source` has it, undefined ones included: each object made
 * this way has the same keys, which keeps one hidden class per shape and `{ key: undefined }` matchable.
 */
export function copyColumnSpec<S extends Partial<ColumnSpec>>(source: S): Pick<S, ColumnSpecKey & keyof S>;
export function copyColumnSpec<S extends Partial<ColumnSpec>, K extends ColumnSpecKey & keyof S>(source: S, keys: readonly K[]): Pick<S, K>;
export function copyColumnSpec(source: Partial<ColumnSpec>, keys: readonly ColumnSpecKey[] = COLUMN_SPEC_KEYS): Partial<ColumnSpec> {
  const spec: Partial<ColumnSpec> = {};
  for (const key of keys) copyMember(spec, source, key);
  return spec;
}
