import type { Knex } from 'knex';
import { NotSupportedError } from '../errors';
import type { ColumnDefinition } from '../metadata/table-definition';

/**
 * Columns whose DDL is a type name rather than a Knex column method: a `dbType`, a PostgreSQL array, a generated
 * column. Each dialect names the type; this writes it.
 */

/** Whether the column's DDL is a raw type name (see `addRawColumn`). */
export const isRawColumn = (c: ColumnDefinition): boolean => c.dbType !== undefined || c.generated !== undefined || c.type === 'array';

/** `name <type>`, or `name <type> GENERATED ALWAYS AS (expr) STORED` (the same words on every dialect). */
export function addRawColumn(t: Knex.CreateTableBuilder, c: ColumnDefinition, typeName: string): Knex.ColumnBuilder {
  return t.specificType(c.name, c.generated !== undefined ? `${typeName} generated always as (${c.generated}) stored` : typeName);
}

/** The error for `type: 'array'` on a dialect without arrays: never stored as JSON behind the user's back. */
export function arraysNotSupported(dialect: string, c: ColumnDefinition): NotSupportedError {
  return new NotSupportedError(
    `Column "${c.name}": type 'array' is a PostgreSQL array, and ${dialect} has no array type. ` +
      `Use { type: 'json' } to keep a list as JSON, or a related table.`,
  );
}

/**
 * A type name with its letters lowercased outside quotes and its spacing made regular: one space between words,
 * none around `.`, `(`, `,`, `[`, `]` nor before `)`. Quoted identifiers and string literals are kept as written.
 */
export function regularTypeName(text: string): string {
  let out = '';
  const re = /"(?:[^"]|"")*"|'(?:[^']|'')*'|[^"']+/g;
  for (const m of text.trim().matchAll(re)) {
    const part = m[0];
    out += part[0] === '"' || part[0] === "'" ? part : part.toLowerCase().replace(/\s+/g, ' ');
  }
  // A word after `)` keeps its space: `timestamp(3) with time zone`.
  return out.replace(/\s*([.(,[\]])\s*/g, '$1').replace(/\s+\)/g, ')');
}
