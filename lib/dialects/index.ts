import type { Dialect } from './dialect';
import { sqliteDialect } from './sqlite';
import { postgresDialect } from './postgres';
import { mysqlDialect } from './mysql';

export type { Dialect } from './dialect';
export type { MigrationHooks } from './migration-hooks';

/** Dialects by name. */
export const DIALECTS: Record<Dialect['name'], Dialect> = {
  sqlite: sqliteDialect,
  postgres: postgresDialect,
  mysql: mysqlDialect,
};

/** URL schemes (and Knex client names) → dialect name. */
export const SCHEME_TO_DIALECT: Record<string, Dialect['name']> = {
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  'better-sqlite3': 'sqlite',
  postgres: 'postgres',
  postgresql: 'postgres',
  pg: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
};
