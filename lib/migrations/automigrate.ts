import type { Registry } from '../registry/registry';
import { registerFeature } from '../registry/features';
import { mergeMigrationConfig } from './config';
import { Migrator } from './migrator';

/**
 * Applies pending migrations when `options.automigrate` is set (its config merged over `migrations`): on
 * every alias that has a migration folder, or on the aliases its `databases` names. A failure throws a
 * `MigrationError` naming the alias and migration. `Registry.connect()` runs it at most once per registry.
 */
export async function automigrate(registry: Registry): Promise<void> {
  const auto = registry.options.automigrate;
  if (!auto) return;
  const config = mergeMigrationConfig(registry.options.migrations, auto);
  const aliases = config.databases ?? ['default', ...Object.keys(registry.extra)];
  for (const alias of aliases) {
    const migrator = new Migrator(registry, alias, config);
    if (!config.databases && !migrator.hasDirectory()) continue;
    await migrator.latest();
  }
}

registerFeature({ name: 'automigrate', connect: { phase: 'automigrate', run: automigrate } });
