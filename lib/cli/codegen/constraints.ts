import type { IntrospectedConstraint } from '../../dialects/introspection';

/**
 * `inspectdb`'s part for the `constraints` option: live CHECK constraints and partial unique indexes written
 * back as `@Model({ constraints })` entries, a partial index's predicate read back into lookups.
 */

/** A column reference as databases print one in a predicate: `deleted`, `"deleted"`, `` `deleted` ``, `(status)::text`. */
const COLUMN = /^\(?\s*(?:"((?:[^"]|"")+)"|`((?:[^`]|``)+)`|\[([^\]]+)\]|([A-Za-z_][\w$]*))\s*\)?(?:::[\w ]+)?$/;

/** A literal as databases print one: `'active'::text`, `'it''s'`, `3`, `-1.5`, `true`. */
function literal(text: string): { value: unknown } | undefined {
  const t = text
    .trim()
    .replace(/^\((.*)\)$/s, '$1')
    .trim();
  const quoted = /^'((?:[^']|'')*)'(?:::[\w ]+)?$/s.exec(t);
  if (quoted) return { value: quoted[1].replace(/''/g, "'") };
  if (/^-?\d+(\.\d+)?$/.test(t)) return { value: Number(t) };
  if (/^(true|false)$/i.test(t)) return { value: t.toLowerCase() === 'true' };
  return undefined;
}

function column(text: string): string | undefined {
  const m = COLUMN.exec(text.trim());
  if (!m) return undefined;
  return m[1]?.replace(/""/g, '"') ?? m[2]?.replace(/``/g, '`') ?? m[3] ?? m[4];
}

/** Strips parentheses that wrap the whole text (`((a) AND (b))` → `(a) AND (b)`). */
function unwrap(text: string): string {
  let t = text.trim();
  for (;;) {
    if (!t.startsWith('(') || !t.endsWith(')')) return t;
    let depth = 0;
    let closesAtEnd = true;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === "'") i = skipString(t, i);
      else if (t[i] === '(') depth++;
      else if (t[i] === ')' && --depth === 0 && i < t.length - 1) closesAtEnd = false;
    }
    if (!closesAtEnd) return t;
    t = t.slice(1, -1).trim();
  }
}

/** The index of the quote closing the string that opens at `i` (doubled quotes inside). */
function skipString(t: string, i: number): number {
  for (let j = i + 1; j < t.length; j++) {
    if (t[j] !== "'") continue;
    if (t[j + 1] === "'") j++;
    else return j;
  }
  return t.length;
}

/** The terms of a predicate joined by a top-level AND. */
function conjuncts(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") i = skipString(text, i);
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /^\sand\s/i.test(text.slice(i, i + 5))) {
      terms.push(text.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  terms.push(text.slice(start));
  return terms.map(unwrap);
}

/**
 * A partial index's predicate as lookups (`{ deleted__isnull: true, status: 'active' }`), given each column's
 * property name; undefined when it holds anything but `column IS [NOT] NULL` and `column = literal` joined by AND.
 */
export function predicateLookups(where: string, propertyOf: (column: string) => string | undefined): Record<string, unknown> | undefined {
  const lookups: Record<string, unknown> = {};
  for (const term of conjuncts(unwrap(where))) {
    const isNull = /^(.*?)\s+is\s+(not\s+)?null$/is.exec(term);
    const equals = isNull ? undefined : /^(.*?)\s*=\s*(.*)$/s.exec(term);
    // PostgreSQL prints `active = true` as `active`, and `active = false` as `NOT active`.
    const bare = isNull || equals ? undefined : /^(not\s+)?(.*)$/is.exec(term)!;
    const name = column(isNull?.[1] ?? equals?.[1] ?? bare![2]);
    const property = name === undefined ? undefined : propertyOf(name);
    if (property === undefined) return undefined;
    if (bare) lookups[property] = !bare[1];
    else if (isNull) lookups[`${property}__isnull`] = !isNull[2];
    else {
      const value = literal(equals![2]);
      if (!value) return undefined;
      lookups[property] = value.value;
    }
  }
  return lookups;
}

/**
 * The `constraints` entries of one table as source (`{ name: 'x', check: 'price >= 0' }`), and comments for
 * the ones a model cannot declare (a column not mapped, a predicate that is not lookups).
 */
export function constraintEntries(
  constraints: readonly IntrospectedConstraint[] | undefined,
  propertyOf: (column: string) => string | undefined,
): { entries: string[]; comments: string[] } {
  const entries: string[] = [];
  const comments: string[] = [];
  const lit = (v: unknown) => JSON.stringify(v);
  for (const c of constraints ?? []) {
    if ('check' in c) {
      entries.push(`{ name: ${lit(c.name)}, check: ${lit(c.check)} }`);
      continue;
    }
    const fields = c.unique.map(propertyOf);
    const condition = predicateLookups(c.where, propertyOf);
    if (fields.some((f) => f === undefined) || !condition) {
      comments.push(
        `Partial unique index ${c.name} (${c.where}) is left out: keelson writes only conditions of mapped columns that are IS [NOT] NULL or = a literal, joined by AND.`,
      );
      continue;
    }
    const lookups = Object.entries(condition)
      .map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : lit(k)}: ${lit(v)}`)
      .join(', ');
    entries.push(`{ name: ${lit(c.name)}, unique: ${lit(fields).replace(/,/g, ', ')}, condition: { ${lookups} } }`);
  }
  return { entries, comments };
}
