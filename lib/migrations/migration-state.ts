import { extname } from 'node:path';
import { ConfigurationError } from '../errors';

/** One migration of an alias: its file and whether (and when) it was applied. */
export interface MigrationState {
  /** The file name without its extension, as recorded in the migrations table: `0002_add_post_subtitle`. */
  name: string;
  /** Absolute path of the file; `undefined` when the migration is recorded as applied but its file is gone. */
  file?: string;
  applied: boolean;
  /** Knex's batch number: migrations applied by one run share it. */
  batch?: number;
  appliedAt?: Date;
}

/** One row of Knex's migrations table, read. */
export interface AppliedRow {
  name: string;
  batch?: number;
  appliedAt?: Date;
}

/** A date from whatever the driver returns for Knex's `migration_time` column. */
function toDate(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  const date = new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string | number));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A row of the migrations table as the driver returned it, read. */
export function appliedRow(r: { name: string; batch: unknown; migration_time: unknown }): AppliedRow {
  return { name: r.name, batch: r.batch === null || r.batch === undefined ? undefined : Number(r.batch), appliedAt: toDate(r.migration_time) };
}

/** Where a target is looked up, for messages. */
export interface TargetContext {
  loadExtensions: readonly string[];
  directory: string;
  /** `database "default" (url)` for messages. */
  label: string;
}

/** The state `target` (`0003_x`, `0003_x.ts`, `0003` or `3`) names; unknown or ambiguous → `ConfigurationError` listing them. */
export function resolveTarget(target: string, states: MigrationState[], context: TargetContext): MigrationState {
  const wanted = target.trim();
  const exact = states.find((s) => s.name === wanted);
  if (exact) return exact;
  const ext = extname(wanted);
  if (ext && context.loadExtensions.includes(ext)) {
    const stem = states.find((s) => s.name === wanted.slice(0, -ext.length));
    if (stem) return stem;
  }
  if (/^\d+$/.test(wanted)) {
    const matches = states.filter((s) => {
      const prefix = /^\d+/.exec(s.name)?.[0];
      return prefix !== undefined && (prefix === wanted || Number(prefix) === Number(wanted));
    });
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw new ConfigurationError(
        `${context.label}: migration number ${wanted} is ambiguous: it matches ${matches.map((m) => m.name).join(', ')}. Pass the full name.`,
      );
    }
  }
  const available = states.map((s) => s.name);
  throw new ConfigurationError(
    `${context.label}: no migration ${JSON.stringify(wanted)} in ${context.directory}. ${
      available.length ? `Available: ${available.join(', ')}.` : 'There are no migrations.'
    }`,
  );
}
