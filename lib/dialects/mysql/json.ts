import { dollarPath, type JsonKind, type JsonSql, type JsonStep } from '../json-sql';

/** MySQL's JSON path, every key quoted as a JSON string (so `"`, `\`, `.`, `*` and `$` in a key stay literal). */
const mysqlPath = (path: readonly JsonStep[]) => dollarPath(path, (key) => JSON.stringify(key));

const TYPES: Record<JsonKind, string> = {
  string: "('STRING')",
  number: "('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL')",
  true: "('BOOLEAN')",
  false: "('BOOLEAN')",
  null: "('NULL')",
  object: "('OBJECT')",
  array: "('ARRAY')",
};

// MariaDB's JSON is text: a boolean is told from the string "true" by its type, then from false by its text.
const BOOLEAN_TEXT: Partial<Record<JsonKind, string>> = {
  true: " and json_unquote(json_extract(??, ?)) = 'true'",
  false: " and json_unquote(json_extract(??, ?)) = 'false'",
};

/** MySQL and MariaDB: `JSON_EXTRACT` over a bound path, `JSON_CONTAINS_PATH`, `JSON_CONTAINS`. */
export const mysqlJsonSql: JsonSql = {
  kindIs(column, path, kind) {
    const p = mysqlPath(path);
    const extra = BOOLEAN_TEXT[kind];
    return {
      sql: `coalesce(json_type(json_extract(??, ?)) in ${TYPES[kind]}${extra ?? ''}, false)`,
      bindings: extra ? [column, p, column, p] : [column, p],
    };
  },
  // A binary collation: comparisons of JSON strings are case-sensitive, as on the other databases.
  text: (column, path) => ({ sql: '(json_unquote(json_extract(??, ?)) collate utf8mb4_bin)', bindings: [column, mysqlPath(path)] }),
  number(column, path) {
    const p = mysqlPath(path);
    return {
      sql: `(case when json_type(json_extract(??, ?)) in ${TYPES.number} then json_unquote(json_extract(??, ?)) + 0 end)`,
      bindings: [column, p, column, p],
    };
  },
  hasKey: (column, path) => ({ sql: "coalesce(json_contains_path(??, 'one', ?), false)", bindings: [column, mysqlPath(path)] }),
  contains: (column, path, json) => ({ sql: 'coalesce(json_contains(??, ?, ?), false)', bindings: [column, json, mysqlPath(path)] }),
};
