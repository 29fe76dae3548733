import { isIdentifier } from '../../metadata/identifier';
import type { ClassPlan } from './plan-types';

export { isIdentifier };

/** Names the generated module itself declares or imports: a class may not take them. */
export const RESERVED_CLASS_NAMES: ReadonlySet<string> = new Set([
  'BaseModel',
  'Field',
  'PrimaryKey',
  'ForeignKey',
  'ManyToMany',
  'Model',
  'Relation',
  'ManyRelation',
  'registry',
  'Object',
  'Array',
  'String',
  'Number',
  'Boolean',
  'Date',
  'Buffer',
  'Promise',
  'Map',
  'Set',
  'Symbol',
  'Error',
  'JSON',
  'Math',
]);

/** Instance members of `BaseModel` (and of every object): a property may not shadow them. */
const RESERVED_PROPERTIES = new Set([
  'pk',
  'save',
  'update',
  'delete',
  'load',
  'toJSON',
  'constructor',
  'meta',
  'query',
  'signals',
  '__proto__',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
]);

/** A JS string literal. */
export const lit = (value: unknown): string => JSON.stringify(value);

/** `Posts` → `posts`. */
export const lowerFirst = (s: string): string => (s ? s[0].toLowerCase() + s.slice(1) : s);

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

/** Property name for a plain column: the column itself, unless that would shadow a `BaseModel` member. */
export function plainProperty(column: string, taken: Set<string>): string {
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
export function fkProperty(column: string, columnNames: Set<string>, taken: Set<string>): string {
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
export function claim(plan: ClassPlan, base: string): string {
  let name = base;
  for (let i = 2; plan.taken.has(name) || RESERVED_PROPERTIES.has(name) || !isIdentifier(name); i++) name = `${base}${i}`;
  plan.taken.add(name);
  return name;
}
