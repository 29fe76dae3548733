import type { Knex } from 'knex';
import { Registry } from '../../lib';
import type { ColumnDefinition } from '../../lib';
import type { IntrospectedColumn, IntrospectedTable } from '../../lib/dialects/introspection';
import type { FieldType } from '../../lib/metadata/types';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';
import { declareEveryType, TABLES } from './models';

type DialectName = 'sqlite' | 'postgres' | 'mysql';

const SUITES: { label: string; url: string; dialect: DialectName }[] = [
  { label: 'SQLite', url: 'sqlite::memory:', dialect: 'sqlite' },
  { label: 'PostgreSQL', url: PG_URL, dialect: 'postgres' },
  { label: 'MariaDB', url: MYSQL_URL, dialect: 'mysql' },
];

const NUMERIC: ReadonlySet<FieldType> = new Set(['integer', 'bigint', 'float', 'decimal']);

/** A default as the schema diff compares it: numbers numerically, everything else (booleans included) as is. */
function comparable(type: FieldType, value: unknown): unknown {
  if (value === undefined) return undefined;
  return NUMERIC.has(type) && (typeof value === 'number' || typeof value === 'string') ? Number(value) : value;
}

/**
 * Real model changes: the column of dx_every (or another table), the edit, and the dialects that cannot see it
 * (where the database cannot tell the two keelson types apart; see each dialect's column-type.ts).
 */
const CHANGES: { what: string; table?: string; column: string; edit: Partial<ColumnDefinition>; unseenOn?: DialectName[] }[] = [
  { what: 'string(120) → string(200)', column: 'title', edit: { maxLength: 200 } },
  { what: 'string(20) → string(19)', column: 'code', edit: { maxLength: 19 } },
  { what: 'integer → text', column: 'count', edit: { type: 'text' } },
  { what: 'decimal(10,2) → decimal(12,4)', column: 'amount', edit: { precision: 12, scale: 4 }, unseenOn: ['sqlite'] },
  { what: 'decimal(10,2) → decimal(10,3)', column: 'amount', edit: { scale: 3 }, unseenOn: ['sqlite'] },
  { what: 'decimal (default size) → decimal(8,2)', column: 'plain', edit: { precision: 8 }, unseenOn: ['sqlite'] },
  { what: 'integer → bigint', column: 'count', edit: { type: 'bigint' } },
  { what: 'bigint → integer', column: 'big', edit: { type: 'integer' } },
  { what: 'integer → float', column: 'count', edit: { type: 'float' } },
  { what: 'text → string', column: 'body', edit: { type: 'string', maxLength: 255 } },
  { what: 'string → text', column: 'title', edit: { type: 'text', maxLength: undefined } },
  { what: 'enum choices: one added', column: 'status', edit: { choices: ['draft', "it's", 'done', 'archived'] } },
  { what: 'enum choices: one removed', column: 'status', edit: { choices: ['draft', 'done'] } },
  { what: 'enum choices: one renamed', column: 'level', edit: { choices: ['low', 'top'] } },
  {
    what: 'enum choices: reordered (order is part of a MySQL ENUM; a CHECK list is a set)',
    column: 'level',
    edit: { choices: ['high', 'low'] },
    unseenOn: ['sqlite', 'postgres'],
  },
  { what: 'boolean → integer', column: 'active', edit: { type: 'integer' } },
  { what: 'integer → boolean', column: 'zero', edit: { type: 'boolean' } },
  { what: 'uuid → string(36)', column: 'token', edit: { type: 'string', maxLength: 36 } },
  { what: 'string → uuid', column: 'title', edit: { type: 'uuid', maxLength: undefined } },
  { what: 'float → decimal', column: 'ratio', edit: { type: 'decimal', precision: 10, scale: 2 }, unseenOn: ['sqlite'] },
  { what: 'decimal → float', column: 'amount', edit: { type: 'float' }, unseenOn: ['sqlite'] },
  { what: 'json → text', column: 'doc', edit: { type: 'text' } },
  { what: 'text → json', column: 'body', edit: { type: 'json' } },
  { what: 'text → enum', column: 'body', edit: { type: 'enum', choices: ['a', 'b'] } },
  { what: 'enum → text', column: 'status', edit: { type: 'text', choices: undefined } },
  { what: 'enum → string', column: 'status', edit: { type: 'string', maxLength: 255, choices: undefined } },
  { what: 'datetime → date', column: 'seen', edit: { type: 'date' } },
  { what: 'date → datetime', column: 'day', edit: { type: 'datetime' } },
  { what: 'datetime → datetime with 0 fractional digits (SQLite keeps none either way)', column: 'seen', edit: { precision: 0 }, unseenOn: ['sqlite'] },
  { what: 'datetime with 0 fractional digits → datetime', column: 'whole', edit: { precision: undefined }, unseenOn: ['sqlite'] },
  { what: 'datetime → datetime with 3 fractional digits (3 is MySQL’s default here)', column: 'seen', edit: { precision: 3 }, unseenOn: ['sqlite', 'mysql'] },
  { what: 'datetime → datetime without time zone (only PostgreSQL keeps one)', column: 'seen', edit: { timezone: false }, unseenOn: ['sqlite', 'mysql'] },
  { what: 'datetime without time zone → datetime', column: 'wall', edit: { timezone: undefined }, unseenOn: ['sqlite', 'mysql'] },
  { what: 'time → string(8)', column: 'at', edit: { type: 'string', maxLength: 8 } },
  { what: 'binary → text', column: 'blob', edit: { type: 'text' } },
  { what: 'uuid foreign key → integer', column: 'tag_id', edit: { type: 'integer' } },
  {
    what: 'auto-increment bigint key → integer (both are INTEGER PRIMARY KEY on SQLite)',
    table: TABLES.bigKey,
    column: 'id',
    edit: { type: 'integer' },
    unseenOn: ['sqlite'],
  },
  { what: 'auto-increment integer key → bigint', table: TABLES.parent, column: 'id', edit: { type: 'bigint' }, unseenOn: ['sqlite'] },
  {
    what: 'a key to an auto-increment key that is no longer one (MySQL: signed)',
    column: 'parent_id',
    edit: { referencesAutoincrement: false },
    unseenOn: ['sqlite', 'postgres'],
  },
];

function suite(dialect: DialectName, url: string) {
  const schema = dialect === 'sqlite' ? undefined : uniqueName('dx_types');
  let registry: Registry;
  let knex: Knex | Knex.Transaction;
  let tables: IntrospectedTable[];

  const liveTable = (name: string) => {
    const found = tables.find((t) => t.name === name);
    if (!found) throw new Error(`no table ${name}`);
    return found;
  };
  const liveColumn = (table: string, column: string): IntrospectedColumn => {
    const found = liveTable(table).columns.find((c) => c.name === column);
    if (!found) throw new Error(`no column ${table}.${column}`);
    return found;
  };
  const modelColumn = (table: string, column: string): ColumnDefinition => {
    const found = registry.metadata.tables.get(table)?.columns.find((c) => c.name === column);
    if (!found) throw new Error(`no model column ${table}.${column}`);
    return found;
  };
  const matches = (column: ColumnDefinition, live: IntrospectedColumn) => registry.database.driver.columnTypeMatches(column, live);

  beforeAll(async () => {
    registry = new Registry(url, { schema });
    declareEveryType(registry);
    await registry.connect();
    await registry.createAll();
    knex = await registry.runner();
    tables = await registry.database.driver.introspect(knex, schema);
  });

  afterAll(async () => {
    if (schema) await registry?.schema.dropSchema(schema, { cascade: true, ifExists: true });
    await registry?.disconnect();
  });

  it('covers every field type', () => {
    const types = new Set([...registry.metadata.tables.values()].flatMap((t) => t.columns.map((c) => c.type)));
    expect([...types].sort()).toEqual([
      'bigint',
      'binary',
      'boolean',
      'date',
      'datetime',
      'decimal',
      'enum',
      'float',
      'integer',
      'json',
      'string',
      'text',
      'time',
      'uuid',
    ]);
  });

  it('finds the type keelson created in every live column of every table', () => {
    const mismatches: string[] = [];
    let compared = 0;
    for (const table of registry.metadata.tables.values()) {
      for (const column of table.columns) {
        const live = liveColumn(table.name, column.name);
        compared++;
        if (!matches(column, live)) mismatches.push(`${table.name}.${column.name}: ${column.type} vs ${live.dbType}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(40);
  });

  it('reads back every literal default equal to the model’s (booleans as booleans, numbers numerically)', () => {
    const want: Record<string, unknown> = {};
    const have: Record<string, unknown> = {};
    for (const column of registry.metadata.tables.get(TABLES.every)!.columns) {
      if (column.default === undefined) continue;
      const live = liveColumn(TABLES.every, column.name);
      want[column.name] = comparable(column.type, column.default);
      have[column.name] = comparable(column.type, live.default);
    }
    expect(Object.keys(want).sort()).toEqual(
      [
        'active',
        'amount',
        'archived',
        'big',
        'code',
        'count',
        'day',
        'delta',
        'digits',
        'drift',
        'huge',
        'plain',
        'question',
        'rate',
        'ratio',
        'slug',
        'status',
        'tiny',
        'title',
        'zero',
      ].sort(),
    );
    expect(have).toEqual(want);
    // Strictly typed where the kind matters: booleans are booleans, a number-like string stays a string.
    expect(liveColumn(TABLES.every, 'active').default).toBe(true);
    expect(liveColumn(TABLES.every, 'archived').default).toBe(false);
    expect(liveColumn(TABLES.every, 'digits').default).toBe('42');
    expect(liveColumn(TABLES.every, 'title').default).toBe("it's");
    expect(liveColumn(TABLES.every, 'code').default).toBe('back\\slash "q"\nnext');
    expect(liveColumn(TABLES.every, 'slug').default).toBe('');
    expect(typeof liveColumn(TABLES.every, 'huge').default).toBe('number');
    // A column without a default reports none.
    expect(liveColumn(TABLES.every, 'body').default).toBeUndefined();
    expect(liveColumn(TABLES.every, 'maybe').default).toBeUndefined();
  });

  describe('sees real changes', () => {
    it.each(CHANGES)('$what', ({ table, column, edit, unseenOn }) => {
      const tableName = table ?? TABLES.every;
      const before = modelColumn(tableName, column);
      const live = liveColumn(tableName, column);
      expect(matches(before, live)).toBe(true);
      const after: ColumnDefinition = { ...before, ...edit };
      expect(matches(after, live)).toBe(unseenOn?.includes(dialect) === true);
    });
  });

  it('does not look at nullability, defaults, keys or indexes', () => {
    const title = modelColumn(TABLES.every, 'title');
    const live = liveColumn(TABLES.every, 'title');
    expect(matches({ ...title, nullable: true, default: 'other', unique: true, index: true, comment: 'x' }, live)).toBe(true);
  });

  if (dialect === 'sqlite') {
    it('takes the other names of a variable-length string of that length (NVARCHAR…) for a string, and no other length', async () => {
      await knex.raw('create table dx_names (id integer primary key, a NVARCHAR(120), b character varying(120), c varchar(120), d nchar(120), e text)');
      const [names] = await registry.database.driver.introspect(knex, undefined, ['dx_names']);
      const col = (name: string) => names.columns.find((c) => c.name === name)!;
      const title = modelColumn(TABLES.every, 'title');
      expect(title).toMatchObject({ type: 'string', maxLength: 120 });
      for (const name of ['a', 'b', 'c']) {
        expect(matches(title, col(name))).toBe(true);
        expect(matches({ ...title, maxLength: 100 }, col(name))).toBe(false);
        expect(matches({ ...title, type: 'text', maxLength: undefined }, col(name))).toBe(false);
      }
      // A fixed-length nchar is not keelson's string (nor is text).
      expect(matches(title, col('d'))).toBe(false);
      expect(matches(title, col('e'))).toBe(false);
    });
  }

  if (dialect === 'postgres') {
    it('takes a native enum type with the same labels for keelson’s enum, and timestamp for a datetime without time zone', async () => {
      await knex.raw(`create type "${schema}".dx_mood as enum ('sad', 'ok')`);
      await knex.raw(`create table "${schema}".dx_native (id int primary key, mood "${schema}".dx_mood, stamp timestamp, doc json)`);
      const [native] = await registry.database.driver.introspect(knex, schema, ['dx_native']);
      const mood = native.columns.find((c) => c.name === 'mood')!;
      const enumColumn = (choices: string[]): ColumnDefinition => ({ ...modelColumn(TABLES.every, 'level'), name: 'mood', choices });
      expect(matches(enumColumn(['ok', 'sad']), mood)).toBe(true);
      expect(matches(enumColumn(['sad']), mood)).toBe(false);
      expect(matches({ ...enumColumn([]), type: 'text', choices: undefined }, mood)).toBe(false);
      // keelson's datetime is timestamptz and its json is jsonb: the other two are different types.
      const stamp = native.columns.find((c) => c.name === 'stamp')!;
      const doc = native.columns.find((c) => c.name === 'doc')!;
      expect(matches(modelColumn(TABLES.every, 'seen'), stamp)).toBe(false);
      expect(matches(modelColumn(TABLES.every, 'doc'), doc)).toBe(false);
      // A timestamp without time zone is a datetime with timezone: false (and 6 fractional digits, PostgreSQL's default).
      expect(stamp).toMatchObject({ type: 'datetime', timezone: false, precision: 6 });
      expect(matches({ ...modelColumn(TABLES.every, 'seen'), timezone: false }, stamp)).toBe(true);
      expect(matches({ ...modelColumn(TABLES.every, 'seen'), timezone: false, precision: 3 }, stamp)).toBe(false);
    });
  }

  if (dialect === 'mysql') {
    it('tells MariaDB’s JSON (a checked longtext) from a plain longtext, and datetime(3) from datetime (precision 0)', async () => {
      await knex.raw(`create table \`${schema}\`.dx_raw (id int primary key, plain longtext, doc json, stamp datetime, t text)`);
      const [raw] = await registry.database.driver.introspect(knex, schema, ['dx_raw']);
      const col = (name: string) => raw.columns.find((c) => c.name === name)!;
      expect(matches(modelColumn(TABLES.every, 'doc'), col('doc'))).toBe(true);
      expect(matches(modelColumn(TABLES.every, 'doc'), col('plain'))).toBe(false);
      expect(matches(modelColumn(TABLES.every, 'body'), col('plain'))).toBe(false);
      expect(matches(modelColumn(TABLES.every, 'body'), col('t'))).toBe(true);
      expect(matches(modelColumn(TABLES.every, 'seen'), col('stamp'))).toBe(false);
      // A plain datetime keeps whole seconds: a datetime with precision 0.
      expect(col('stamp')).toMatchObject({ type: 'datetime', precision: 0 });
      expect(matches({ ...modelColumn(TABLES.every, 'seen'), precision: 0 }, col('stamp'))).toBe(true);
    });
  }
}

for (const { label, url, dialect } of SUITES) {
  const name = `columnTypeMatches and literal defaults on ${label}`;
  if (dialect === 'sqlite') describe(name, () => suite(dialect, url));
  else describeWithServer(name, url, () => suite(dialect, url));
}
