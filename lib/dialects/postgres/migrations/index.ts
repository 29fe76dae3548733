import type { MigrationHooks } from '../../migration-hooks';
import { alterPostgresEnum } from './alter-enum';

/** PostgreSQL's migration quirks: enum columns change around their CHECK constraint. */
export const postgresMigrations: MigrationHooks = {
  alterEnumColumn: alterPostgresEnum,
};
