import type { MigrationHooks } from '../../migration-hooks';
import { deferForeignKeys, FOREIGN_KEYS_OFF, REBUILD_PREAMBLE } from './file-text';
import { repairMigrationTimes } from './migration-time';
import { sqliteRebuilds } from './plan-rebuilds';
import { rebuildTable } from './rebuild-table';

/** SQLite's migration quirks: table rebuilds where ALTER TABLE falls short, deferred keys for drop cycles. */
export const sqliteMigrations: MigrationHooks = {
  planRebuilds: sqliteRebuilds,
  rebuildTable,
  rebuildFile: { preamble: REBUILD_PREAMBLE, wrapper: 'withForeignKeysOff', helper: FOREIGN_KEYS_OFF },
  deferForeignKeysForDropCycle: deferForeignKeys,
  afterMigrate: repairMigrationTimes,
};
