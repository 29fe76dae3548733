import type { IntegrityViolation } from '../dialects/integrity';
import type { IntegrityDetails } from '../errors';
import type { Database } from '../database/database';
import type { ModelMeta } from '../metadata/types';
import type { Registry } from './registry';

/** Knex's default name for an index or constraint of a table over columns (`users_email_unique`). */
const knexName = (table: string, columns: readonly string[], kind: 'unique' | 'foreign'): string =>
  `${table}_${columns.join('_')}_${kind}`.toLowerCase().replace(/[-.]/g, '_');

/** Every unique constraint, unique index and foreign key of a model's table, by name, with its columns. */
function namedConstraints(meta: ModelMeta): Map<string, { kind: IntegrityViolation['kind']; columns: string[] }> {
  const table = meta.tablename;
  const named = new Map<string, { kind: IntegrityViolation['kind']; columns: string[] }>();
  const column = (name: string) => meta.fields.get(name)?.column ?? name;
  for (const f of meta.fields.values()) {
    if (f.unique && !f.primaryKey) named.set(knexName(table, [f.column], 'unique'), { kind: 'unique', columns: [f.column] });
    if (f.relation) named.set(knexName(table, [f.column], 'foreign'), { kind: 'foreignKey', columns: [f.column] });
  }
  for (const fields of meta.uniqueTogether) {
    const columns = fields.map(column);
    named.set(knexName(table, columns, 'unique'), { kind: 'unique', columns });
  }
  for (const index of meta.indexes) {
    if (!index.unique) continue;
    const columns = index.fields.map(column);
    named.set(index.name ?? knexName(table, columns, 'unique'), { kind: 'unique', columns });
  }
  for (const c of meta.constraints) if ('unique' in c) named.set(c.name, { kind: 'unique', columns: c.unique.map(column) });
  return named;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** The violation told in the model's terms, or undefined when the model has no constraint matching it. */
function describeFor(meta: ModelMeta, violation: IntegrityViolation): IntegrityDetails | undefined {
  const named = namedConstraints(meta);
  const byName = violation.constraint === undefined ? undefined : named.get(violation.constraint);
  let constraint = violation.constraint;
  let columns = byName?.columns ?? violation.columns;
  if (violation.primaryKey) columns = (meta.compositeKey ?? [meta.pkName]).map((name) => meta.fields.get(name)!.column);
  if (!byName && columns) {
    // SQLite names columns, not the constraint: the model's constraint over exactly those columns.
    for (const [name, entry] of named) if (entry.kind === violation.kind && sameSet(entry.columns, columns)) constraint ??= name;
  }
  if (!byName && !columns) return undefined;
  const fields = columns?.map((c) => meta.columnToField.get(c)?.name);
  return {
    kind: violation.kind,
    constraint,
    table: meta.tablename,
    model: meta.name,
    fields: fields && fields.every((f): f is string => f !== undefined) ? fields : undefined,
  };
}

/**
 * Names the model, constraint and fields of a violation on `database` from the registry's models stored there:
 * by the reported table when the driver gives one, else by the constraint's name across the models.
 */
export function describeViolation(registry: Registry, database: Database, violation: IntegrityViolation): IntegrityDetails | undefined {
  for (const model of [...Object.values(registry.models), ...Object.values(registry.reflected)]) {
    const meta = model.meta;
    if (meta.abstract || (violation.table !== undefined && meta.tablename !== violation.table)) continue;
    if (registry.databaseFor(meta.database) !== database) continue;
    const details = describeFor(meta, violation);
    if (details) return details;
  }
  return undefined;
}
