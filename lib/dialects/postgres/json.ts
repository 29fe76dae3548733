import type { JsonSql, JsonStep, SqlFragment } from '../json-sql';

/**
 * The jsonb value at `path`: one `->` per step, keys cast to text and indexes to int so a key never reads an
 * array element (or an index an object member). The cast keeps a `json` column (a reflected table) working.
 */
function node(column: string, path: readonly JsonStep[]): SqlFragment {
  const steps = path.map((step) => (typeof step === 'number' ? ' -> ?::int' : ' -> ?::text')).join('');
  return { sql: `(??::jsonb${steps})`, bindings: [column, ...path] };
}

const KIND_TEST: Record<string, string> = {
  string: "jsonb_typeof(NODE) = 'string'",
  number: "jsonb_typeof(NODE) = 'number'",
  true: "NODE = 'true'::jsonb",
  false: "NODE = 'false'::jsonb",
  null: "jsonb_typeof(NODE) = 'null'",
  object: "jsonb_typeof(NODE) = 'object'",
  array: "jsonb_typeof(NODE) = 'array'",
};

/** `template` with every `NODE` replaced by the value at `path`. */
function around(template: string, column: string, path: readonly JsonStep[]): SqlFragment {
  const n = node(column, path);
  const parts = template.split('NODE');
  return { sql: parts.join(n.sql), bindings: parts.slice(1).flatMap(() => n.bindings) };
}

/** PostgreSQL: jsonb operators (`->`, `#>>`, `@>`), exact for every lookup. */
export const postgresJsonSql: JsonSql = {
  kindIs: (column, path, kind) => around(`coalesce(${KIND_TEST[kind]}, false)`, column, path),
  text: (column, path) => around("(NODE #>> '{}')", column, path),
  number: (column, path) => around("(case when jsonb_typeof(NODE) = 'number' then (NODE #>> '{}')::numeric end)", column, path),
  hasKey: (column, path) => around('(NODE is not null)', column, path),
  contains(column, path, json) {
    const f = around('coalesce(NODE @> ?::jsonb, false)', column, path);
    return { sql: f.sql, bindings: [...f.bindings, json] };
  },
  equals(column, path, json) {
    const f = around('coalesce(NODE = ?::jsonb, false)', column, path);
    return { sql: f.sql, bindings: [...f.bindings, json] };
  },
};
