import { MetaData } from '../metadata/metadata';
import { tableDefinition } from '../metadata/table-definition';
import { classMeta } from '../metadata/types';
import type { Registry } from './registry';

/** `MetaData` per alias (`'default'` and each extra), with the table of every declared model on its alias. */
export function buildMetadataByName(registry: Registry): Map<string, MetaData> {
  const byName = new Map<string, MetaData>();
  byName.set('default', new MetaData('default', registry.database, registry.schemaFor('default')));
  for (const alias of Object.keys(registry.extra)) byName.set(alias, new MetaData(alias, registry.extra[alias], registry.schemaFor(alias)));
  for (const model of Object.values(registry.models)) {
    const meta = classMeta(model);
    const md = byName.get(meta.database)!;
    md.tables.set(meta.tablename, tableDefinition(meta, md.schema));
  }
  return byName;
}

/** `MetaData` keyed by each database's URL; the primary wins when an extra shares its URL. */
export function metadataByUrl(byName: Map<string, MetaData>): Map<string, MetaData> {
  const byUrl = new Map<string, MetaData>();
  for (const md of [...byName.values()].reverse()) byUrl.set(md.database.url, md);
  return byUrl;
}
