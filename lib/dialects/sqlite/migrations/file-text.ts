/** The statements that defer SQLite's foreign-key checks to the commit of the migration's transaction. */
export const deferForeignKeys = (indent: string): string[] => [
  `${indent}// The tables dropped here reference each other: their foreign keys are checked at commit instead.`,
  `${indent}await knex.raw('PRAGMA defer_foreign_keys = ON');`,
];

/** Lines before `up()` in a file that rebuilds tables: Knex must not open the transaction itself. */
export const REBUILD_PREAMBLE = [
  '/** Rebuilding SQLite tables needs foreign keys off, which SQLite ignores inside a transaction. */',
  'export const config = { transaction: false };',
  '',
];

/** The helper SQLite rebuild migrations carry: keys off, one transaction, keys checked before commit. */
export const FOREIGN_KEYS_OFF = [
  '/**',
  ' * Runs `body` in a transaction with foreign keys off (dropping the old table of a rebuild would otherwise',
  ' * cascade to the rows that reference it), then checks every foreign key before committing.',
  ' */',
  'async function withForeignKeysOff(knex: Knex, body: (trx: Knex.Transaction) => Promise<void>): Promise<void> {',
  "  await knex.raw('PRAGMA foreign_keys = OFF');",
  '  try {',
  '    await knex.transaction(async (trx) => {',
  '      await body(trx);',
  "      const broken: unknown[] = await trx.raw('PRAGMA foreign_key_check');",
  '      if (broken.length) throw new Error(`This migration leaves rows with dangling foreign keys: ${JSON.stringify(broken)}`);',
  '    });',
  '  } finally {',
  "    await knex.raw('PRAGMA foreign_keys = ON');",
  '  }',
  '}',
];
