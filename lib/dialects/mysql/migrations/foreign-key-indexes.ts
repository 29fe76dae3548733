import type { ForeignKeyShape } from '../../../migrations/shape';
import type { IndexChange } from '../../migration-hooks';

/**
 * InnoDB keeps a foreign key only with an index leading with its column: it refuses to drop the last such
 * index, and silently drops the one it made itself once another is added (so that one could not be
 * dropped by the down migration). A foreign key whose leading indexes all change comes off around the
 * change; added back, it gets an index of InnoDB's own again where none of the model's serves it.
 * Returns the foreign keys to drop (live) and add back (model).
 */
export function mysqlForeignKeysAroundIndexes(change: IndexChange): { drop: ForeignKeyShape; add: ForeignKeyShape }[] {
  const { haveIndexes, wantIndexes, haveFks, wantFks, newName, touchesKept } = change;
  const columnsOf = new Map<string, readonly string[]>([
    ...[...haveIndexes].map(([key, i]) => [key, i.columns.map(newName)] as const),
    ...[...wantIndexes].map(([key, i]) => [key, i.columns] as const),
  ]);
  const remaining = [...wantIndexes.keys(), ...[...haveIndexes].filter(([key, i]) => !wantIndexes.has(key) && touchesKept(i.columns)).map(([key]) => key)];
  const leading = (keys: Iterable<string>, column: string) => [...keys].filter((key) => columnsOf.get(key)![0] === column);
  const result: { drop: ForeignKeyShape; add: ForeignKeyShape }[] = [];
  for (const [key, fk] of wantFks) {
    const current = haveFks.get(key);
    if (!current) continue;
    const before = leading(haveIndexes.keys(), fk.column);
    const after = leading(remaining, fk.column);
    if (before.some((k) => after.includes(k)) || (!before.length && !after.length)) continue;
    result.push({ drop: current, add: fk });
  }
  return result;
}
