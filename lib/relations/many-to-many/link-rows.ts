import type { ModelMeta } from '../../metadata/types';
import type { BaseModel } from '../../models/base-model';
import type { Dialect } from '../../dialects';
import { applyDefaults, rowOf } from '../../query/row';
import { blankInstance, writeAttribute } from '../../models/state';

/**
 * Whether the through table has a unique constraint on exactly the pair of foreign keys (a synthesized
 * through model, `uniqueTogether`, a unique index, a composite key, or a `constraints` entry without a
 * condition): only then can `ON CONFLICT (a, b) DO NOTHING` name it.
 */
export function hasUniquePair(through: ModelMeta, ownerField: string, targetField: string): boolean {
  const pair = (fields: readonly unknown[] | undefined): boolean =>
    !!fields && fields.length === 2 && fields.includes(ownerField) && fields.includes(targetField);
  if (pair(through.compositeKey)) return true;
  if (through.uniqueTogether.some((fields) => pair(fields))) return true;
  if (through.indexes.some((index) => index.unique === true && pair(index.fields))) return true;
  return through.constraints.some((c) => {
    const { unique, condition } = (c ?? {}) as { unique?: unknown; condition?: unknown };
    return Array.isArray(unique) && condition === undefined && pair(unique);
  });
}

/**
 * The rows linking `own` to each of `keys` (duplicates dropped), keyed by column: the through model's other
 * fields take their defaults (functions called, as on any insert), nullable ones null.
 */
export function linkRows(
  through: ModelMeta,
  ownerField: string,
  targetField: string,
  own: unknown,
  keys: readonly unknown[],
  dialect: Dialect,
): Record<string, unknown>[] {
  const ownAtt = through.fields.get(ownerField)!.attname;
  const targetAtt = through.fields.get(targetField)!.attname;
  const fields = [...through.fields.values()];
  const seen = new Set<string>();
  const rows: Record<string, unknown>[] = [];
  for (const key of keys) {
    if (seen.has(String(key))) continue;
    seen.add(String(key));
    // A bare instance, no user constructor: this is the through model's row, not an object the user sees.
    const link = blankInstance<BaseModel>(through.model.prototype);
    writeAttribute(link, ownAtt, own);
    writeAttribute(link, targetAtt, key);
    applyDefaults(link, through);
    rows.push(rowOf(link, fields, dialect));
  }
  return rows;
}
