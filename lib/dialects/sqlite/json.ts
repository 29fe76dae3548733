import { NotSupportedError } from '../../errors';
import { dollarPath, type JsonKind, type JsonSql, type JsonStep } from '../json-sql';

/**
 * SQLite's JSON path with every key quoted. Before 3.45 a quoted key ends at the next `"` and knows no escapes;
 * later versions read `\` escapes: a key holding `"` or `\` means different things to them, so it is refused.
 */
function sqlitePath(path: readonly JsonStep[]): string {
  return dollarPath(path, (key) => {
    if (/["\\]/.test(key))
      throw new NotSupportedError(`SQLite cannot address the JSON key ${JSON.stringify(key)}: its JSON paths have no portable escape for '"' or '\\'.`);
    return `"${key}"`;
  });
}

const TYPES: Record<JsonKind, string> = {
  string: "('text')",
  number: "('integer', 'real')",
  true: "('true')",
  false: "('false')",
  null: "('null')",
  object: "('object')",
  array: "('array')",
};

/** SQLite: `json_type` and `json_extract` over a bound path; containment and JSON equality are not offered (see `JsonSql`). */
export const sqliteJsonSql: JsonSql = {
  kindIs: (column, path, kind) => ({ sql: `coalesce(json_type(??, ?) in ${TYPES[kind]}, false)`, bindings: [column, sqlitePath(path)] }),
  text: (column, path) => ({ sql: 'json_extract(??, ?)', bindings: [column, sqlitePath(path)] }),
  number(column, path) {
    const p = sqlitePath(path);
    return { sql: "(case when json_type(??, ?) in ('integer', 'real') then json_extract(??, ?) end)", bindings: [column, p, column, p] };
  },
  hasKey: (column, path) => ({ sql: '(json_type(??, ?) is not null)', bindings: [column, sqlitePath(path)] }),
};
