import type { Dialect } from '../dialects';
import type { ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { blankMaker, LOCATION, Location, PERSISTED, relatedCache } from '../models/state';
import { joinedColumn, SelectedRelation } from './compiler';
import { relationPath } from './path';

/**
 * Builds, for each joined relation, the function that reads its columns out of a row. Joined rows come from
 * the root's database and schema: `location` (the root's, if not the default) is recorded on each.
 */
export function relatedHydrators(selected: SelectedRelation[], dialect: Dialect, location?: Location) {
  return selected.map(({ path, alias, meta }) => ({
    path,
    read: compileJoinedReader(meta, alias, dialect, location),
  }));
}

function compileJoinedReader(meta: ModelMeta, alias: string, dialect: Dialect, location: Location | undefined) {
  const Blank = blankMaker(meta.model.prototype);
  const pk = meta.fields.get(meta.pkName)!;
  const pkKey = joinedColumn(alias, pk.column);
  const fields = [...meta.fields.values()].map((f) => ({
    key: joinedColumn(alias, f.column),
    attname: f.attname,
    type: f.type,
    jsKind: f.jsKind,
  }));
  return (row: Record<string, unknown>): BaseModel | null => {
    // A left join that found nothing: the relation is null.
    if (row[pkKey] === null || row[pkKey] === undefined) return null;
    const instance = new Blank() as Record<string | symbol, unknown>;
    for (const f of fields) {
      const value = row[f.key];
      instance[f.attname] = value === null || value === undefined ? value : dialect.fromDb(f.type, f.jsKind, value);
    }
    instance[PERSISTED] = true;
    if (location) instance[LOCATION] = location;
    return instance as unknown as BaseModel;
  };
}

/** Attaches joined relations to a freshly hydrated root instance (`post.author`, `post.author.profile`). */
export function attachSelected(root: BaseModel, row: Record<string, unknown>, readers: ReturnType<typeof relatedHydrators>): void {
  for (const { path, read } of readers) {
    let owner: BaseModel | null = root;
    for (let i = 0; i < path.length - 1 && owner; i++) owner = relatedCache(owner)[path[i]] as BaseModel | null;
    if (!owner) continue;
    relatedCache(owner)[path[path.length - 1]] = read(row);
  }
}

const NOTHING_TO_SPLIT = Object.freeze({ joined: Object.freeze([]) as readonly string[], separate: Object.freeze([]) as readonly string[] });

/** `selectRelated` paths that stay in one database (joined) and those that cross into another (loaded apart). */
export function splitSelectRelated(meta: ModelMeta, paths: readonly string[]): { joined: readonly string[]; separate: readonly string[] } {
  if (paths.length === 0) return NOTHING_TO_SPLIT;
  const joined: string[] = [];
  const separate: string[] = [];
  for (const path of paths) {
    let crosses = false;
    // Only the leading foreign keys count: the compiler reports a path that is not one.
    for (const hop of relationPath(meta, path)) {
      if (!hop.joinable) break;
      crosses ||= hop.crosses;
    }
    (crosses ? separate : joined).push(path);
  }
  return { joined, separate };
}
