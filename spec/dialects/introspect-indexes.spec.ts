import type { Knex } from 'knex';
import { Registry } from '../../lib';
import type { IntrospectedTable } from '../../lib/dialects/introspection';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';
import { declareEveryType, TABLES } from './models';

type DialectName = 'sqlite' | 'postgres' | 'mysql';

const SUITES: { label: string; url: string; dialect: DialectName }[] = [
  { label: 'SQLite', url: 'sqlite::memory:', dialect: 'sqlite' },
  { label: 'PostgreSQL', url: PG_URL, dialect: 'postgres' },
  { label: 'MariaDB', url: MYSQL_URL, dialect: 'mysql' },
];

/**
 * The indexes keelson (through knex) creates on dx_every, by name: `unique`, `index`, `indexes`, `uniqueTogether`,
 * and the default index of each foreign key no other index leads with.
 */
const EVERY_INDEXES = [
  { name: 'dx_every_amount_code_unique', columns: ['amount', 'code'], unique: true },
  { name: 'dx_every_by_day', columns: ['day'], unique: false },
  { name: 'dx_every_count_ratio_unique', columns: ['count', 'ratio'], unique: true },
  { name: 'dx_every_level_index', columns: ['level'], unique: false },
  { name: 'dx_every_other_id_index', columns: ['other_id'], unique: false },
  { name: 'dx_every_owner_id_index', columns: ['owner_id'], unique: false },
  { name: 'dx_every_parent_id_index', columns: ['parent_id'], unique: false },
  { name: 'dx_every_slug_named', columns: ['slug'], unique: true },
  { name: 'dx_every_solo_id_unique', columns: ['solo_id'], unique: true },
  { name: 'dx_every_tag_id_index', columns: ['tag_id'], unique: false },
  { name: 'dx_every_title_count_index', columns: ['title', 'count'], unique: false },
  { name: 'dx_every_token_unique', columns: ['token'], unique: true },
];

const byName = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

function suite(dialect: DialectName, url: string) {
  const schema = dialect === 'sqlite' ? undefined : uniqueName('dx_indexes');
  let registry: Registry;
  let knex: Knex | Knex.Transaction;
  let tables: IntrospectedTable[];
  const table = (name: string) => {
    const found = tables.find((t) => t.name === name);
    if (!found) throw new Error(`no table ${name} in ${tables.map((t) => t.name).join(', ')}`);
    return found;
  };

  beforeAll(async () => {
    registry = new Registry(url, { schema });
    declareEveryType(registry);
    await registry.connect();
    await registry.createAll();
    knex = await registry.runner();
    if (dialect === 'sqlite') {
      // Indexes that are not column lists, and SQLite's own indexes for UNIQUE constraints and a non-rowid key.
      await knex.raw(`create index dx_every_lower_title on ${TABLES.every} (lower(title))`);
      await knex.raw(`create index dx_every_partial on ${TABLES.every} (count) where count > 0`);
      await knex.raw('create table dx_raw (code text primary key, a integer unique, b integer, c integer, unique (c, b))');
    } else if (dialect === 'postgres') {
      const every = `"${schema}".${TABLES.every}`;
      await knex.raw(`create index dx_every_lower_title on ${every} (lower(title))`);
      await knex.raw(`create index dx_every_partial on ${every} (count) where count > 0`);
      await knex.raw(`create unique index dx_every_raw_unique on ${every} (zero, delta)`);
      await knex.raw(`create index dx_every_covering on ${every} (delta) include (big)`);
    } else {
      // A user's own index on one foreign-key column; InnoDB makes one (named after the constraint) for the other.
      await knex.raw(`create table \`${schema}\`.dx_raw (id int primary key, p int unsigned, q int unsigned, key dx_raw_q_idx (q),
        constraint dx_raw_p_fk foreign key (p) references \`${schema}\`.${TABLES.parent} (id),
        constraint dx_raw_q_fk foreign key (q) references \`${schema}\`.${TABLES.parent} (id))`);
    }
    tables = await registry.database.driver.introspect(knex, schema);
  });

  afterAll(async () => {
    if (schema) await registry?.schema.dropSchema(schema, { cascade: true, ifExists: true });
    await registry?.disconnect();
  });

  it('reports every index but the primary key, with its name, its columns in index order and uniqueness', () => {
    const extra =
      dialect === 'postgres'
        ? [
            // INCLUDE columns are not key columns.
            { name: 'dx_every_covering', columns: ['delta'], unique: false },
            { name: 'dx_every_raw_unique', columns: ['zero', 'delta'], unique: true },
          ]
        : [];
    expect(table(TABLES.every).indexes).toEqual(byName([...EVERY_INDEXES, ...extra]));
    expect(table(TABLES.through).indexes).toEqual([
      { name: `${TABLES.through}_every_id_tag_id_unique`, columns: ['every_id', 'tag_id'], unique: true },
      { name: `${TABLES.through}_tag_id_index`, columns: ['tag_id'], unique: false },
    ]);
    expect(table(TABLES.parent).indexes).toEqual([{ name: `${TABLES.parent}_code_unique`, columns: ['code'], unique: true }]);
    // Only a primary key: nothing to report.
    expect(table(TABLES.tag).indexes).toEqual([]);
    expect(table(TABLES.bigKey).indexes).toEqual([]);
  });

  it('still reports unique columns and uniqueTogether as before', () => {
    const every = table(TABLES.every);
    const unique = every.columns
      .filter((c) => c.unique)
      .map((c) => c.name)
      .sort();
    expect(unique).toEqual(['slug', 'solo_id', 'token']);
    const together = [
      ['amount', 'code'],
      ['count', 'ratio'],
    ];
    if (dialect === 'postgres') together.push(['zero', 'delta']);
    expect([...every.uniqueTogether].sort()).toEqual(together);
    expect(table(TABLES.through).uniqueTogether).toEqual([['every_id', 'tag_id']]);
  });

  it('names foreign keys by their constraint (SQLite foreign keys have no names)', () => {
    const fks = (name: string) =>
      [...table(name).foreignKeys].sort((a, b) => (a.column < b.column ? -1 : 1)).map((fk) => ({ name: fk.name, column: fk.column, table: fk.table }));
    const named = (t: string, column: string) => (dialect === 'sqlite' ? undefined : `${t}_${column}_foreign`);
    expect(fks(TABLES.every)).toEqual([
      { name: named(TABLES.every, 'other_id'), column: 'other_id', table: TABLES.parent },
      { name: named(TABLES.every, 'owner_id'), column: 'owner_id', table: TABLES.bigKey },
      { name: named(TABLES.every, 'parent_id'), column: 'parent_id', table: TABLES.parent },
      { name: named(TABLES.every, 'solo_id'), column: 'solo_id', table: TABLES.parent },
      { name: named(TABLES.every, 'tag_id'), column: 'tag_id', table: TABLES.tag },
    ]);
    expect(fks(TABLES.through)).toEqual([
      { name: named(TABLES.through, 'every_id'), column: 'every_id', table: TABLES.every },
      { name: named(TABLES.through, 'tag_id'), column: 'tag_id', table: TABLES.tag },
    ]);
    if (dialect === 'sqlite') expect(table(TABLES.every).foreignKeys.every((fk) => !('name' in fk) || fk.name === undefined)).toBe(true);
  });

  it('reads the choices of every enum column keelson created', () => {
    const column = (name: string) => table(TABLES.every).columns.find((c) => c.name === name)!;
    expect(column('status')).toMatchObject({ type: 'enum', choices: ['draft', "it's", 'done'], default: 'draft' });
    expect(column('level')).toMatchObject({ type: 'enum', choices: ['low', 'high'] });
    expect(column('solitary')).toMatchObject({ type: 'enum', choices: ['only'] });
    expect(column('Mood')).toMatchObject({ type: 'enum', choices: ['calm', 'wild'] });
    // A text column without a CHECK stays text.
    expect(column('body').type).toBe('text');
    expect(column('body').choices).toBeUndefined();
  });

  it('reports the indexes of the tables `only` asks for', async () => {
    const only = await registry.database.driver.introspect(knex, schema, [TABLES.parent]);
    expect(only.map((t) => [t.name, t.indexes])).toEqual([[TABLES.parent, [{ name: `${TABLES.parent}_code_unique`, columns: ['code'], unique: true }]]]);
  });

  if (dialect === 'sqlite' || dialect === 'postgres') {
    it('leaves out expression and partial indexes, which exist but are no column lists', async () => {
      const names =
        dialect === 'sqlite'
          ? ((await knex.raw(`select name from sqlite_master where type = 'index' and tbl_name = ?`, [TABLES.every])) as { name: string }[]).map((r) => r.name)
          : (
              (await knex.raw('select indexname from pg_indexes where schemaname = ? and tablename = ?', [schema!, TABLES.every])).rows as {
                indexname: string;
              }[]
            ).map((r) => r.indexname);
      expect(names).toEqual(expect.arrayContaining(['dx_every_lower_title', 'dx_every_partial']));
      const reported = table(TABLES.every).indexes.map((i) => i.name);
      expect(reported).not.toContain('dx_every_lower_title');
      expect(reported).not.toContain('dx_every_partial');
    });
  }

  if (dialect === 'sqlite') {
    it("reports SQLite's indexes for UNIQUE constraints under their own names, never the primary key's", () => {
      const raw = table('dx_raw');
      // sqlite_autoindex_dx_raw_1 is the text primary key's.
      expect(raw.indexes).toEqual([
        { name: 'sqlite_autoindex_dx_raw_2', columns: ['a'], unique: true },
        { name: 'sqlite_autoindex_dx_raw_3', columns: ['c', 'b'], unique: true },
      ]);
      expect(raw.uniqueTogether).toEqual([['c', 'b']]);
      expect(raw.columns.find((c) => c.name === 'a')!.unique).toBe(true);
    });
  }

  if (dialect === 'mysql') {
    it('leaves out the indexes InnoDB made for foreign keys, and keeps the user’s own', async () => {
      const [rows] = await knex.raw('select distinct table_name as t, index_name as i from information_schema.statistics where table_schema = ?', [schema!]);
      const live = (rows as { t: string; i: string }[]).map((r) => `${r.t}.${r.i}`);
      // InnoDB made this one for a foreign key without a usable index…
      expect(live).toEqual(expect.arrayContaining(['dx_raw.dx_raw_p_fk']));
      // …but none for keelson's keys, each served by keelson's own index (no duplicate index per key).
      expect(live.filter((i) => i.endsWith('_foreign'))).toEqual([]);
      // Introspection leaves InnoDB's out.
      expect(table(TABLES.every).indexes.map((i) => i.name)).toEqual(EVERY_INDEXES.map((i) => i.name));
      expect(table('dx_raw').indexes).toEqual([{ name: 'dx_raw_q_idx', columns: ['q'], unique: false }]);
      expect(table('dx_raw').foreignKeys.map((fk) => [fk.name, fk.column])).toEqual([
        ['dx_raw_p_fk', 'p'],
        ['dx_raw_q_fk', 'q'],
      ]);
    });
  }
}

for (const { label, url, dialect } of SUITES) {
  const name = `introspected indexes and foreign-key names on ${label}`;
  if (dialect === 'sqlite') describe(name, () => suite(dialect, url));
  else describeWithServer(name, url, () => suite(dialect, url));
}
