import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from '../../lib';
import type { RegistryOptions } from '../../lib';
import { AliasMigration, makeMigrations, MakeMigrationsOptions } from '../../lib/migrations/make';
import { Migrator } from '../../lib/migrations/migrator';
import { migrationRoot } from './migration-files';
import { uniqueName } from './servers';

/** The dialects migration specs loop over. */
export type DialectName = 'sqlite' | 'postgres' | 'mysql';

/** The timestamp stamped into generated migration files, so their text is stable. */
export const NOW = new Date('2026-01-02T03:04:05Z');

/**
 * One test's own empty database (an SQLite file, a PostgreSQL schema, a MariaDB database) and migration
 * folder, with the registries opened over it.
 */
export class MigrationSpace {
  readonly registries: Registry[] = [];
  readonly url: string;
  readonly schema?: string;
  readonly dir: string;

  constructor(
    readonly dialect: DialectName,
    serverUrl: string,
    name: string,
  ) {
    this.dir = migrationRoot(name);
    this.schema = dialect === 'sqlite' ? undefined : uniqueName('ms');
    this.url = dialect === 'sqlite' ? `sqlite://${join(this.dir, 'app.db')}` : serverUrl;
  }

  /** A registry over this space with the models `declare` adds (not connected yet). */
  registry(declare: (registry: Registry) => unknown, options: RegistryOptions = {}): Registry {
    const registry = new Registry(this.url, { ...(this.schema ? { schema: this.schema } : {}), ...options });
    declare(registry);
    this.registries.push(registry);
    return registry;
  }

  /** makemigrations for the default alias into this space's folder. */
  async make(registry: Registry, options: MakeMigrationsOptions = {}): Promise<AliasMigration> {
    await registry.connect();
    const [result] = await makeMigrations(registry, { config: { directory: this.dir }, now: NOW, ...options });
    return result;
  }

  migrator(registry: Registry): Migrator {
    return new Migrator(registry, 'default', { directory: this.dir });
  }

  /** The generated migration files, by name. */
  files(): string[] {
    const folder = join(this.dir, 'default');
    return existsSync(folder)
      ? readdirSync(folder)
          .filter((f) => f.endsWith('.ts'))
          .sort()
      : [];
  }

  /** A table name as queries name it in this space (schema-qualified where there is one). */
  table(name: string): string {
    return this.schema ? `${this.schema}.${name}` : name;
  }

  /** Closes every registry opened so far. */
  async disconnectAll(): Promise<void> {
    for (const registry of this.registries.splice(0)) await registry.disconnect();
  }

  /** Removes spaces: their registries closed, their schema (PostgreSQL) or database (MariaDB) and folder gone. */
  static async removeAll(spaces: readonly MigrationSpace[], serverUrl: string): Promise<void> {
    for (const space of spaces) await space.disconnectAll();
    const schemas = spaces.flatMap((space) => (space.schema ? [space.schema] : []));
    if (schemas.length) {
      const cleanup = new Registry(serverUrl);
      try {
        await cleanup.connect();
        for (const schema of schemas) await cleanup.schema.dropSchema(schema, { cascade: true, ifExists: true });
      } finally {
        await cleanup.disconnect();
      }
    }
    for (const space of spaces) rmSync(space.dir, { recursive: true, force: true });
  }
}
