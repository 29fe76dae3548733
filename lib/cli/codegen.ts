import type { Dialect } from '../dialects';
import type { IntrospectedColumn, IntrospectedForeignKey, IntrospectedTable } from '../dialects/introspection';
import { liveTypeName } from '../dialects/introspection';
import type { ColumnDefinition } from '../metadata/table-definition';
import type { FieldType } from '../metadata/types';
import { defaultIndexName } from '../migrations/shape';
import { constraintEntries } from './codegen-constraints';

/** Options of `generateModels`. */
export interface GenerateOptions {
  /** Module the generated file imports `registry` from (default `./registry`). */
  registryImport?: string;
  /** Package the decorators come from (default `keelson`). */
  packageName?: string;
  /** A line for the header comment (e.g. where the tables came from). */
  source?: string;
  /**
   * The dialect the tables were read from: options a column needs only there (a datetime's precision) are
   * written when keelson's default would not give the live type, and a column whose live type no field
   * options give is marked (the schema diff will report it).
   */
  dialect?: Pick<Dialect, 'columnTypeMatches'>;
}

/** Table and column names keelson accepts (see `checkIdentifier`). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const isIdentifier = (name: string) => IDENTIFIER.test(name) && name.length <= 63;

/** Names the generated module itself declares or imports: a class may not take them. */
const RESERVED_CLASS_NAMES = new Set([
  'BaseModel', 'Field', 'PrimaryKey', 'ForeignKey', 'ManyToMany', 'Model', 'Relation', 'ManyRelation', 'registry',
  'Object', 'Array', 'String', 'Number', 'Boolean', 'Date', 'Buffer', 'Promise', 'Map', 'Set', 'Symbol', 'Error', 'JSON', 'Math',
]);

/** Instance members of `BaseModel` (and of every object): a property may not shadow them. */
const RESERVED_PROPERTIES = new Set([
  'pk', 'save', 'update', 'delete', 'load', 'toJSON', 'constructor', 'meta', 'query', 'signals',
  '__proto__', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString',
]);

const REFERENTIAL_ACTIONS = new Set(['CASCADE', 'RESTRICT', 'SET NULL', 'SET DEFAULT', 'NO ACTION']);

const TS_TYPES: Record<FieldType, string> = {
  smallint: 'number', integer: 'number', bigint: 'number', float: 'number', decimal: 'string', string: 'string', text: 'string',
  boolean: 'boolean', date: 'Date', datetime: 'Date', time: 'string', json: 'unknown', uuid: 'string',
  binary: 'Buffer', enum: 'string', array: 'unknown[]',
};

/** Raw types the driver hands back as objects rather than text (PostgreSQL's interval and geometric types). */
const OBJECT_TYPES = /^(interval|point|line|lseg|box|path|polygon|circle)\b/i;

/**
 * The plural of a (lowercase-first) name for a reverse accessor: a name already plural stays (`posts`, `tags`),
 * `address` → `addresses`, `status` → `statuses`, `box` → `boxes`, `category` → `categories`, else `+s`.
 */
export function plural(word: string): string {
  if (/(ss|us|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  if (/[^aeiou]is$/i.test(word)) return `${word.slice(0, -2)}es`;
  if (/s$/i.test(word)) return word;
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

/** `invoice_line` / `InvoiceLine` / `invoice-lines` → `InvoiceLine` / `InvoiceLines`. */
export function pascalCase(name: string): string {
  const parts = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let out = parts.map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  if (!out) out = 'Table';
  if (/^[0-9]/.test(out)) out = `T${out}`;
  return out;
}

const lowerFirst = (s: string) => (s ? s[0].toLowerCase() + s.slice(1) : s);

/** A JS string literal. */
const lit = (value: unknown) => JSON.stringify(value);

/** A plan for one column that is not a foreign key. */
interface PlainField {
  kind: 'field';
  property: string;
  column: IntrospectedColumn;
  /** Part of the primary key. */
  primaryKey: boolean;
  /** Several columns make the primary key. */
  compositeKey: boolean;
  /** A single-column index with Knex's default name: `index: true`. */
  index?: boolean;
  comment?: string;
}

/** A plan for one foreign key column. */
interface FkField {
  kind: 'fk';
  property: string;
  column: IntrospectedColumn;
  fk: IntrospectedForeignKey;
  target: ClassPlan;
  primaryKey: boolean;
  index?: boolean;
  relatedName?: string;
}

/** A many-to-many property on the first side of a join table. */
interface M2mField {
  property: string;
  target: ClassPlan;
  through: ClassPlan;
  relatedName?: string;
}

interface ClassPlan {
  table: IntrospectedTable;
  className: string;
  fields: (PlainField | FkField)[];
  m2m: M2mField[];
  uniqueTogether: string[][];
  /** Indexes that are not a field's `index: true`: named, or over several columns. */
  indexes: { name: string; fields: string[] }[];
  comments: string[];
  /** Every instance member name taken on this class: properties, FK attnames, m2m and reverse accessors. */
  taken: Set<string>;
  /** Join table detected: the two foreign keys, in column order. */
  join?: [IntrospectedForeignKey, IntrospectedForeignKey];
}

/** Property name for a plain column: the column itself, unless that would shadow a `BaseModel` member. */
function plainProperty(column: string, taken: Set<string>): string {
  if (!RESERVED_PROPERTIES.has(column) && !taken.has(column)) return column;
  let candidate = `${column}_field`;
  for (let i = 2; taken.has(candidate) || RESERVED_PROPERTIES.has(candidate); i++) candidate = `${column}_field${i}`;
  return candidate;
}

/**
 * Property name for a foreign key: the column without a trailing `Id`/`_id`, first letter lowercased
 * (`ArtistId` → `artist`, `artist_id` → `artist`), else `<column>_rel`. Never a column name of the table
 * nor a name whose `<name>_id` value slot is taken.
 */
function fkProperty(column: string, columnNames: Set<string>, taken: Set<string>): string {
  const free = (name: string) =>
    isIdentifier(name) &&
    !RESERVED_PROPERTIES.has(name) &&
    !columnNames.has(name) &&
    !taken.has(name) &&
    !taken.has(`${name}_id`) &&
    // `<name>_id` holds the key value on the instance: it may be this column, never another one.
    (`${name}_id` === column || !columnNames.has(`${name}_id`));
  const stripped = column.replace(/_?(id|Id|ID)$/, '');
  const candidates = stripped && stripped !== column ? [lowerFirst(stripped), stripped] : [lowerFirst(column)];
  for (const c of candidates) if (free(c)) return c;
  let candidate = `${column}_rel`;
  for (let i = 2; !free(candidate); i++) candidate = `${column}_rel${i}`;
  return candidate;
}

/** A name not yet taken on `plan`: `base`, else `base2`, `base3`… */
function claim(plan: ClassPlan, base: string): string {
  let name = base;
  for (let i = 2; plan.taken.has(name) || RESERVED_PROPERTIES.has(name) || !isIdentifier(name); i++) name = `${base}${i}`;
  plan.taken.add(name);
  return name;
}

/**
 * A join table: exactly two foreign keys, and besides their columns at most one more column, the table's own
 * single-column primary key (a surrogate key); or a composite primary key over the two foreign keys.
 */
function joinKeys(table: IntrospectedTable): [IntrospectedForeignKey, IntrospectedForeignKey] | undefined {
  if (table.foreignKeys.length !== 2) return undefined;
  const [a, b] = table.foreignKeys;
  if (a.column === b.column) return undefined;
  const rest = table.columns.filter((c) => c.name !== a.column && c.name !== b.column);
  if (rest.length > 1) return undefined;
  if (rest.length === 1 && !rest[0].primaryKey) return undefined;
  const order = table.columns.map((c) => c.name);
  return order.indexOf(a.column) <= order.indexOf(b.column) ? [a, b] : [b, a];
}

/**
 * Writes TypeScript model source for introspected tables: one `@Model` class per table, properties named
 * after the columns, foreign keys as `@ForeignKey` with string targets and explicit, clash-free
 * `relatedName`s, and join tables as a through model plus a `@ManyToMany` on the first side.
 */
export function generateModels(tables: readonly IntrospectedTable[], options: GenerateOptions = {}): string {
  const registryImport = options.registryImport ?? './registry';
  const pkg = options.packageName ?? 'keelson';

  // Class names: PascalCase, never an imported name, de-duplicated.
  const usedClassNames = new Set<string>();
  const plans: ClassPlan[] = [];
  const byTable = new Map<string, ClassPlan>();
  const skipped: string[] = [];
  for (const table of tables) {
    if (!isIdentifier(table.name)) {
      skipped.push(`${table.name}: its name is not a plain identifier keelson can use as a table name`);
      continue;
    }
    let base = pascalCase(table.name);
    if (RESERVED_CLASS_NAMES.has(base)) base = `${base}Model`;
    let className = base;
    for (let i = 2; usedClassNames.has(className); i++) className = `${base}${i}`;
    usedClassNames.add(className);
    const plan: ClassPlan = { table, className, fields: [], m2m: [], uniqueTogether: [], indexes: [], comments: [], taken: new Set() };
    plans.push(plan);
    byTable.set(table.name, plan);
  }

  // Fields of every class: plain columns first claim their own names, then foreign keys pick free names.
  for (const plan of plans) {
    const { table } = plan;
    const columns = table.columns.filter((c) => {
      if (isIdentifier(c.name)) return true;
      plan.comments.push(`Column ${lit(c.name)} (${c.dbType}) is left out: it is not a plain identifier keelson can map.`);
      return false;
    });
    const columnNames = new Set(columns.map((c) => c.name));
    let pkColumns = columns.filter((c) => c.primaryKey);
    if (pkColumns.length === 0) {
      // keelson needs a key: an `id` column, else the first non-null unique column.
      const key = columns.find((c) => c.name === 'id') ?? columns.find((c) => c.unique && !c.nullable);
      if (key) {
        pkColumns = [key];
        plan.comments.push(`The table has no primary key; ${key.name} is used as the model's key.`);
      }
    }
    const fkByColumn = new Map<string, IntrospectedForeignKey>();
    for (const fk of table.foreignKeys) {
      const target = byTable.get(fk.table);
      const targetPk = target?.table.columns.filter((c) => c.primaryKey) ?? [];
      if (!columnNames.has(fk.column) || fkByColumn.has(fk.column)) continue;
      if (!target) {
        plan.comments.push(`${fk.column} references ${fk.table}.${fk.references}, which was not inspected: kept as a plain column.`);
      } else if (targetPk.length === 0 || targetPk[0].name !== fk.references) {
        plan.comments.push(`${fk.column} references ${fk.table}.${fk.references}, which is not that table's primary key: kept as a plain column.`);
      } else {
        fkByColumn.set(fk.column, fk);
      }
    }
    // Plain columns keep their names; claim them first so foreign keys never take one.
    const plainProps = new Map<string, string>();
    for (const c of columns) {
      if (fkByColumn.has(c.name)) continue;
      const property = plainProperty(c.name, plan.taken);
      plan.taken.add(property);
      plainProps.set(c.name, property);
    }
    // Every column of a composite key is part of the model's key (a foreign key too).
    const compositeKey = pkColumns.length > 1;
    for (const c of columns) {
      const fk = fkByColumn.get(c.name);
      const primaryKey = pkColumns.includes(c);
      if (!fk) {
        plan.fields.push({ kind: 'field', property: plainProps.get(c.name)!, column: c, primaryKey, compositeKey });
        continue;
      }
      const property = fkProperty(c.name, columnNames, plan.taken);
      plan.taken.add(property);
      plan.taken.add(`${property}_id`);
      plan.fields.push({ kind: 'fk', property, column: c, fk, target: byTable.get(fk.table)!, primaryKey });
    }
    const propOf = (column: string) => plan.fields.find((f) => f.column.name === column)?.property;
    if (pkColumns.length === 0) {
      plan.comments.push('The table has no primary key and no unique column; keelson needs one, so it will assume an `id` column: add a key before querying.');
    }
    for (const group of table.uniqueTogether) {
      if (group.length < 2 || !group.every((c) => columnNames.has(c))) continue;
      const props = group.map((c) => propOf(c)!);
      const same = (g: string[]) => g.length === props.length && g.every((p, i) => p === props[i]);
      if (!plan.uniqueTogether.some(same)) plan.uniqueTogether.push(props);
    }
    // Plain indexes (uniques are the fields' `unique` and uniqueTogether above): a single column under
    // Knex's default name is the field's `index: true`; any other keeps its name.
    for (const index of table.indexes ?? []) {
      if (index.unique) continue;
      const left = index.columns.filter((c) => !columnNames.has(c));
      if (left.length) {
        plan.comments.push(`Index ${index.name} is left out: its column ${left.map((c) => lit(c)).join(', ')} is not mapped.`);
        continue;
      }
      const field = index.columns.length === 1 ? plan.fields.find((f) => f.column.name === index.columns[0]) : undefined;
      if (field && !field.primaryKey && !field.index && index.name === defaultIndexName(table.name, index.columns, false)) field.index = true;
      else plan.indexes.push({ name: index.name, fields: index.columns.map((c) => propOf(c)!) });
    }
    // Foreign keys are indexed by default: one that no live index, unique or primary key leads with says `index: false`.
    const leads = new Set([
      ...[...(table.indexes ?? []).map((i) => i.columns), ...table.uniqueTogether].filter((cols) => cols.every((c) => columnNames.has(c))).map((cols) => cols[0]),
      ...pkColumns.slice(0, 1).map((c) => c.name),
      ...columns.filter((c) => c.unique).map((c) => c.name),
    ]);
    for (const f of plan.fields) if (f.kind === 'fk' && !leads.has(f.column.name)) f.index = false;
  }

  // Join tables: the through model keeps both foreign keys; the first side gets a @ManyToMany.
  for (const plan of plans) {
    const keys = joinKeys(plan.table);
    if (!keys) continue;
    const fks = keys.map((k) => plan.fields.find((f): f is FkField => f.kind === 'fk' && f.fk === k));
    if (!fks[0] || !fks[1]) continue;
    plan.join = keys;
    const [first, second] = fks as FkField[];
    const owner = first.target;
    const target = second.target;
    const base = plural(lowerFirst(target.className));
    owner.m2m.push({ property: claim(owner, owner === target ? `${base}_${lowerFirst(second.property)}` : base), target, through: plan });
  }

  // Reverse accessors: explicit and unique per target.
  for (const plan of plans) {
    const owners = plural(lowerFirst(plan.className));
    for (const f of plan.fields) {
      if (f.kind !== 'fk') continue;
      const sameTarget = plan.fields.filter((g) => g.kind === 'fk' && g.target === f.target).length;
      const base = sameTarget > 1 ? `${owners}_by_${f.property}` : owners;
      f.relatedName = claim(f.target, base);
    }
    for (const m of plan.m2m) m.relatedName = claim(m.target, owners);
  }

  return render(plans, skipped, registryImport, pkg, options.source, options.dialect);
}

/**
 * The options of a plain column's `@Field` / `@PrimaryKey`, and whether keelson's DDL for them gives the live
 * type on `dialect` (unknown without one).
 */
function plainFieldOptions(f: PlainField, dialect: GenerateOptions['dialect']): { options: string; matches?: boolean; tsType: string } {
  const c = f.column;
  const parts: string[] = [];
  let type: FieldType = c.type;
  const choices = c.choices?.length ? c.choices : undefined;
  if (type === 'enum' && !choices) type = 'string';
  const integer = type === 'integer' || type === 'bigint';
  const of = type === 'array' ? c.of ?? 'text' : undefined;
  const sized = type === 'string' || of === 'string';
  const maxLength = c.maxLength && c.maxLength > 0 ? c.maxLength : 255;
  // What the model will declare, as DDL sees it (see builder.ts and table-definition.ts).
  const definition: ColumnDefinition = {
    name: c.name,
    type,
    nullable: !f.primaryKey && c.nullable,
    primaryKey: f.primaryKey,
    autoincrement: f.primaryKey && integer && c.autoincrement && !f.compositeKey,
    unique: false,
    index: false,
    ...(sized ? { maxLength } : {}),
    ...(type === 'decimal' || of === 'decimal' ? { precision: c.precision, scale: c.scale } : {}),
    ...(of ? { of } : {}),
    ...(c.generated !== undefined ? { generated: c.generated } : {}),
    ...(type === 'datetime' && c.timezone === false ? { timezone: false } : {}),
    ...(type === 'enum' ? { choices } : {}),
  };
  // A datetime's fractional digits, when the dialect's default for the field would not give them.
  if (type === 'datetime' && c.precision !== undefined && !(dialect && dialect.columnTypeMatches(definition, c))) definition.precision = c.precision;
  // A type no field options give (a domain, an enum type, tsvector, mediumint, a declared type SQLite does not
  // know…) is named as the catalog spells it: the column is then created with it and compared by it.
  if (c.custom || (dialect && !dialect.columnTypeMatches(definition, c))) definition.dbType = liveTypeName(c);
  // With a dbType, a text field says nothing more: dbType alone is one.
  const writeType = !(definition.dbType !== undefined && type === 'text');

  if (f.property !== c.name) parts.push(`column: ${lit(c.name)}`);
  if (writeType) parts.push(`type: ${lit(type)}`);
  if (of) parts.push(`of: ${lit(of)}`);
  if (sized) parts.push(`maxLength: ${maxLength}`);
  if (type === 'enum') parts.push(`choices: ${JSON.stringify(choices).replace(/","/g, '", "')}`);
  if (definition.dbType !== undefined) parts.push(`dbType: ${lit(definition.dbType)}`);
  if (c.generated !== undefined) parts.push(`generated: ${lit(c.generated)}`);
  if (type === 'decimal' || of === 'decimal') {
    if (c.precision !== undefined) parts.push(`precision: ${c.precision}`);
    if (c.scale !== undefined) parts.push(`scale: ${c.scale}`);
  }
  if (type === 'datetime') {
    if (definition.precision !== undefined) parts.push(`precision: ${definition.precision}`);
    if (definition.timezone === false) parts.push('timezone: false');
  }
  if (f.primaryKey) {
    if (integer && !c.autoincrement) parts.push('autoincrement: false');
  } else {
    if (c.nullable) parts.push('nullable: true');
    if (c.unique) parts.push('unique: true');
    if (f.index) parts.push('index: true');
  }
  if (c.default !== undefined && !(f.primaryKey && c.autoincrement) && c.generated === undefined) parts.push(`default: ${lit(c.default)}`);
  return { options: parts.join(', '), matches: dialect ? dialect.columnTypeMatches(definition, c) : undefined, tsType: tsTypeOf(type, definition) };
}

/** The property's TypeScript type: an enum's choices as a union, an array's element type followed by `[]`. */
function tsTypeOf(type: FieldType, c: ColumnDefinition): string {
  if (type === 'enum' && c.choices?.length) return c.choices.map((choice) => lit(String(choice))).join(' | ');
  if (type === 'array') return `${TS_TYPES[c.of ?? 'text']}[]`;
  if (type === 'text' && c.dbType !== undefined && OBJECT_TYPES.test(c.dbType)) return 'unknown';
  return TS_TYPES[type];
}

function render(plans: ClassPlan[], skipped: string[], registryImport: string, pkg: string, source: string | undefined, dialect: GenerateOptions['dialect']): string {
  const out: string[] = [];
  out.push('// Generated by `keelson inspectdb`. Review the models before relying on them.');
  if (source) out.push(`// Source: ${source}`);
  for (const s of skipped) out.push(`// Skipped table ${s}.`);
  out.push(`import { BaseModel, Field, PrimaryKey, ForeignKey, ManyToMany, Model } from ${lit(pkg)};`);
  out.push(`import type { Relation, ManyRelation } from ${lit(pkg)};`);
  out.push(`import { registry } from ${lit(registryImport)};`);
  for (const plan of plans) {
    out.push('');
    const constraints = constraintEntries(plan.table.constraints, (column) => plan.fields.find((f) => f.column.name === column)?.property);
    for (const comment of [...plan.comments, ...constraints.comments]) out.push(`// ${plan.className}: ${comment}`);
    if (plan.join) out.push(`// ${plan.className} is the through model of ${plan.fields.find((f) => f.kind === 'fk')!.target.className}'s many-to-many.`);
    const modelOptions = [`registry`, `tablename: ${lit(plan.table.name)}`];
    if (plan.uniqueTogether.length) modelOptions.push(`uniqueTogether: ${JSON.stringify(plan.uniqueTogether).replace(/,/g, ', ')}`);
    if (constraints.entries.length) modelOptions.push(`constraints: [${constraints.entries.join(', ')}]`);
    if (plan.indexes.length) {
      modelOptions.push(`indexes: [${plan.indexes.map((i) => `{ name: ${lit(i.name)}, fields: ${JSON.stringify(i.fields).replace(/,/g, ', ')} }`).join(', ')}]`);
    }
    out.push(`@Model({ ${modelOptions.join(', ')} })`);
    out.push(`export class ${plan.className} extends BaseModel {`);
    for (const f of plan.fields) {
      const c = f.column;
      if (f.kind === 'fk') {
        const opts = [`column: ${lit(c.name)}`];
        if (f.primaryKey) opts.push('primaryKey: true');
        opts.push(`relatedName: ${lit(f.relatedName)}`);
        if (c.nullable && !f.primaryKey) opts.push('nullable: true');
        const onDelete = f.fk.onDelete?.toUpperCase();
        const onUpdate = f.fk.onUpdate?.toUpperCase();
        const allowed = (a?: string) => a && REFERENTIAL_ACTIONS.has(a) && (c.nullable || a !== 'SET NULL');
        if (allowed(onDelete)) opts.push(`onDelete: ${lit(onDelete)}`);
        if (allowed(onUpdate)) opts.push(`onUpdate: ${lit(onUpdate)}`);
        if (c.unique && !f.primaryKey) opts.push('unique: true');
        if (f.index === false) opts.push('index: false');
        const tsType = `Relation<${f.target.className}>${c.nullable ? ' | null' : ''}`;
        out.push(`  @ForeignKey(${lit(f.target.className)}, { ${opts.join(', ')} }) ${f.property}!: ${tsType};`);
        continue;
      }
      const { options: opts, matches, tsType: base } = plainFieldOptions(f, dialect);
      const tsType = base + (c.nullable && !f.primaryKey ? ' | null' : '');
      const note =
        c.type === 'enum' && !c.choices?.length
          ? ` // ${c.dbType}: an enum without known choices, mapped to a string`
          : matches === false
            ? ` // ${c.dbType}: no field options give this type, so makemigrations reports the column as changed`
            : '';
      out.push(`  @${f.primaryKey ? 'PrimaryKey' : 'Field'}({ ${opts} }) ${f.property}!: ${tsType};${note}`);
    }
    for (const m of plan.m2m) {
      out.push(
        `  @ManyToMany(${lit(m.target.className)}, { through: ${lit(m.through.className)}, relatedName: ${lit(m.relatedName)} }) ${m.property}!: ManyRelation<${m.target.className}>;`,
      );
    }
    out.push('}');
  }
  out.push('');
  return out.join('\n');
}
