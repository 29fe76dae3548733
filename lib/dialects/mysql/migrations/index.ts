import type { MigrationHooks } from '../../migration-hooks';
import { mysqlForeignKeysAroundIndexes } from './foreign-key-indexes';

/** MySQL/MariaDB's migration quirks: InnoDB's foreign keys come off around changes of their indexes. */
export const mysqlMigrations: MigrationHooks = {
  foreignKeysAroundIndexes: mysqlForeignKeysAroundIndexes,
};
