import type { Knex } from 'knex';
import type { IntrospectedConstraint, IntrospectedTable } from '../introspection';

/**
 * SQLite keeps no catalog of CHECK constraints or index predicates: they are read back from the statements
 * `sqlite_master` keeps, scanned token by token so nothing inside a string, a quoted name or a comment counts.
 */

/** One token: a string, a quoted identifier, a comment, a word, or any other single character. */
const TOKEN = /'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?\*\/|[A-Za-z_][\w$]*|\s+|[\s\S]/g;

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokens(sql: string): Token[] {
  const out: Token[] = [];
  for (const m of sql.matchAll(TOKEN)) {
    if (/^(\s|--|\/\*)/.test(m[0])) continue;
    out.push({ text: m[0], start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

const unquote = (name: string): string => {
  const q = name[0];
  if (q === '"' || q === '`')
    return name
      .slice(1, -1)
      .split(q + q)
      .join(q);
  if (q === '[') return name.slice(1, -1);
  return name;
};

const word = (t: Token | undefined, w: string) => !!t && t.text.toLowerCase() === w;

/** The named table-level CHECK constraints of a CREATE TABLE statement: `constraint "name" check (expr)`. */
export function tableChecks(createTable: string): { name: string; check: string }[] {
  const list = tokens(createTable);
  const checks: { name: string; check: string }[] = [];
  let depth = 0;
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 1 && word(t, 'constraint') && list[i + 1] && word(list[i + 2], 'check') && list[i + 3]?.text === '(') {
      // The expression is everything inside the parentheses after CHECK.
      let inner = 0;
      for (let j = i + 3; j < list.length; j++) {
        if (list[j].text === '(') inner++;
        else if (list[j].text === ')' && --inner === 0) {
          checks.push({ name: unquote(list[i + 1].text), check: createTable.slice(list[i + 3].end, list[j].start).trim() });
          i = j;
          break;
        }
      }
    }
  }
  return checks;
}

/** The predicate of a CREATE INDEX statement: what follows its top-level WHERE (undefined without one). */
export function indexPredicate(createIndex: string): string | undefined {
  let depth = 0;
  for (const t of tokens(createIndex)) {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && word(t, 'where')) return createIndex.slice(t.end).trim();
  }
  return undefined;
}

/**
 * Adds each table's named CHECK constraints (from its CREATE TABLE text) and partial unique indexes (from their
 * CREATE INDEX text and `index_info`) to `tables`. keelson's enum checks are unnamed column checks: not listed.
 */
export async function addSqliteConstraints(knex: Knex | Knex.Transaction, schema: string | undefined, tables: IntrospectedTable[]): Promise<void> {
  if (!tables.length) return;
  const quote = (name: string) => `"${name.split('"').join('""')}"`;
  const master = schema ? `${quote(schema)}.sqlite_master` : 'sqlite_master';
  const db = schema ? `${quote(schema)}.` : '';
  const rows: { type: string; name: string; tbl_name: string; sql: string | null }[] = await knex.raw(
    `select type, name, tbl_name, sql from ${master} where type in ('table', 'index') and sql is not null`,
  );
  const byTable = new Map(tables.map((t) => [t.name, t]));
  for (const row of rows) {
    const table = byTable.get(row.tbl_name);
    if (!table || !row.sql) continue;
    const found: IntrospectedConstraint[] = [];
    if (row.type === 'table') found.push(...tableChecks(row.sql));
    else if (/^\s*create\s+unique\s+index\b/i.test(row.sql)) {
      const where = indexPredicate(row.sql);
      if (where === undefined) continue;
      const parts: { name: string | null }[] = await knex.raw(`pragma ${db}index_info(${quote(row.name)})`);
      if (!parts.length || parts.some((p) => p.name === null)) continue; // an expression index
      found.push({ name: row.name, unique: parts.map((p) => p.name!), where });
    }
    if (found.length) (table.constraints ??= []).push(...found);
  }
  for (const table of tables) table.constraints?.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
