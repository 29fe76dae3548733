import type { Knex } from 'knex';
import type { Operation, PlannedOperation } from '../migrations/operations';
import type { ForeignKeyShape, IndexShape, TableShape } from '../migrations/shape';
import type { Dialect } from './dialect';

/** The indexes and foreign keys of one table, keyed for the diff (see lib/migrations/diff-table.ts). */
export interface IndexChange {
  haveIndexes: ReadonlyMap<string, IndexShape>;
  wantIndexes: ReadonlyMap<string, IndexShape>;
  haveFks: ReadonlyMap<string, ForeignKeyShape>;
  wantFks: ReadonlyMap<string, ForeignKeyShape>;
  /** A live column's name in the model (after a rename). */
  newName(column: string): string;
  /** Whether an index covers a column whose drop was not allowed (so the index stays too). */
  touchesKept(columns: readonly string[]): boolean;
}

/** One `alterColumn` operation. */
export type AlterColumn = Extract<Operation, { kind: 'alterColumn' }>;

/** One `rebuildTable` operation. */
export type RebuildTable = Extract<Operation, { kind: 'rebuildTable' }>;

/**
 * Where a dialect plans or writes migrations differently. `lib/migrations` calls these without knowing the
 * dialect; each is absent where the dialect needs nothing special. Runtime helpers of `lib/migrations` come
 * in as arguments, so `lib/dialects` never imports `lib/migrations` at runtime (that would be a cycle).
 */
export interface MigrationHooks {
  /**
   * Replaces the operations ALTER TABLE cannot do in place by one `rebuildTable` per table (`describe` names
   * an operation for the rebuild's list of changes).
   */
  planRebuilds?(
    ops: PlannedOperation[],
    desired: readonly TableShape[],
    live: ReadonlyMap<string, TableShape>,
    describe: (op: Operation) => string,
  ): PlannedOperation[];
  /** Writes the Knex calls of a `rebuildTable` operation (only dialects with `planRebuilds` plan one). */
  rebuildTable?(op: RebuildTable, knex: Knex, dialect: Dialect): void;
  /** Foreign keys that must come off (live) and go back on (model) around a table's index changes. */
  foreignKeysAroundIndexes?(change: IndexChange): { drop: ForeignKeyShape; add: ForeignKeyShape }[];
  /** Writes a column change where either side is an enum, which Knex's `.alter()` cannot do here. */
  alterEnumColumn?(op: AlterColumn, knex: Knex, dialect: Dialect): void;
  /**
   * Statements a migration file starts with when it drops tables that reference each other, which cannot go
   * one by one while they hold rows; absent where dropping them in any order works.
   */
  deferForeignKeysForDropCycle?(indent: string): string[];
  /**
   * What a migration file that rebuilds tables carries: lines before `up()`, the helper `up()` and `down()` run
   * their body in (named `wrapper`, taking `knex` and the body), and that helper's text.
   */
  readonly rebuildFile?: { preamble: readonly string[]; wrapper: string; helper: readonly string[] };
  /** Runs after Knex's migrator recorded a batch, in its transaction (to repair what the driver stored). */
  afterMigrate?(trx: Knex | Knex.Transaction, tableName: string): Promise<void>;
}
