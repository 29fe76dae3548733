import type { Knex } from 'knex';
import { NotSupportedError, QueryError } from '../../errors';
import type { FieldMeta, ModelMeta } from '../../metadata/types';
import type { QueryCompiler } from '../compiler';
import { resolveKey } from '../path';
import { Expression, isExpression } from './expression';
import { FExpression } from './f';

/** The fields an `update()` sets to expressions, each with its expression. */
export type UpdateExpressions = readonly (readonly [FieldMeta, Expression])[];

const NONE: UpdateExpressions = Object.freeze([]);

/** `update()` values that are expressions (`F('views').plus(1)`), apart from plain values; refuses aggregates. */
export function splitUpdateValues(meta: ModelMeta, values: Record<string, unknown>): { plain: Record<string, unknown>; expressions: UpdateExpressions } {
  // Most updates set plain values only: then they are the plain part as given, nothing copied.
  if (!hasExpression(values)) return { plain: values, expressions: NONE };
  const plain: Record<string, unknown> = {};
  const expressions: [FieldMeta, Expression][] = [];
  for (const key of Object.keys(values)) {
    const value = values[key];
    if (!isExpression(value)) {
      plain[key] = value;
      continue;
    }
    const field = meta.fields.get(key) ?? meta.attnames.get(key);
    if (!field) continue; // reported with the plain keys
    if (value.containsAggregate)
      throw new QueryError(`update(): "${key}" is given an aggregate (${String(value)}); an update sets each row from its own columns.`);
    expressions.push([field, value]);
  }
  return { plain, expressions };
}

function hasExpression(values: Record<string, unknown>): boolean {
  for (const key in values) if (isExpression(values[key])) return true;
  return false;
}

/** The columns of the updated table an expression reads (paths it cannot resolve are reported when it compiles). */
function columnsRead(meta: ModelMeta, expression: Expression, out = new Set<string>()): Set<string> {
  if (expression instanceof FExpression) {
    try {
      out.add(resolveKey(meta, expression.path).column);
    } catch {
      // compile() names the bad path
    }
  }
  for (const child of expression.children()) columnsRead(meta, child, out);
  return out;
}

/**
 * The SET list in an order where no column is assigned before an expression that reads it: on a database whose
 * SET expressions see earlier assignments (MySQL) the statement then computes from the row as it was.
 */
function readersFirst(columns: readonly string[], reads: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const ordered: string[] = [];
  const left = new Set(columns);
  while (left.size) {
    // A column is ready once no other column still to be assigned reads it.
    const ready = [...left].find((c) => ![...left].some((r) => r !== c && reads.get(r)?.has(c)));
    if (ready === undefined) {
      throw new NotSupportedError(
        `update(): ${[...left].join(', ')} read each other; this database computes SET expressions from values assigned earlier in the statement. Split the update in two.`,
      );
    }
    ordered.push(ready);
    left.delete(ready);
  }
  return ordered;
}

/** The SET values of an update: plain values as given, expressions compiled against the updated table's own columns. */
export function updateAssignments(
  compiler: QueryCompiler,
  runner: Knex | Knex.Transaction,
  row: Record<string, unknown>,
  expressions: UpdateExpressions,
): Record<string, unknown> {
  if (expressions.length === 0) return row;
  const set: Record<string, unknown> = { ...row };
  const reads = new Map<string, Set<string>>();
  const scope = compiler.scope(null, 'update');
  for (const [field, expression] of expressions) {
    const { sql, bindings } = expression.compile(scope);
    set[field.column] = runner.raw(sql, bindings as Knex.RawBinding[]);
    reads.set(field.column, columnsRead(compiler.state.meta, expression));
  }
  if (!compiler.dialect.updateReadsAssignedValues) return set;
  const ordered: Record<string, unknown> = {};
  for (const column of readersFirst(Object.keys(set), reads)) ordered[column] = set[column];
  return ordered;
}
