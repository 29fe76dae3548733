import { BaseModel, Field, Model, ModelDefinitionError, NotSupportedError, Registry } from '../../lib';
import type { FieldOptions } from '../../lib/metadata/raw';
import { hasChanges, planMigration } from '../../lib/migrations/make';
import { describe as describeOperation } from '../../lib/migrations/operations';
import { normalizePostgresType } from '../../lib/dialects/postgres/type-names';
import { normalizeMysqlType } from '../../lib/dialects/mysql/column-type';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/** Declares a one-field model on `registry` (table `tablename`). */
function declare(registry: Registry, options: FieldOptions, tablename = uniqueName('dbt')) {
  @Model({ registry, tablename })
  class Thing extends BaseModel {
    @Field(options) value!: unknown;
  }
  return Thing;
}

/** The diff's steps for one table (other suites' tables may share the database). */
async function changesOf(registry: Registry, table: string): Promise<string[]> {
  const plan = await planMigration(registry, 'default');
  return hasChanges(plan) ? plan.operations.filter((p) => !p.skipped && JSON.stringify(p.op).includes(table)).map((p) => describeOperation(p.op)) : [];
}

describe('dbType, type array and smallint are declared and checked', () => {
  // One registry per declaration: each declares a model named Thing. None connects.
  const registry = {
    get fresh() {
      return new Registry('sqlite::memory:');
    },
  };

  it('accepts type expressions and refuses SQL in dbType, with the fix in the message', () => {
    for (const dbType of ['tsvector', 'varchar(20)[]', 'timestamp(3) with time zone', 'public."My Type"', "set('a','b')", 'numeric(10, 2)']) {
      expect(declare(registry.fresh, { dbType }).meta.fields.get('value')).toMatchObject({ type: 'text', dbType });
    }
    for (const dbType of ['text; drop table users', 'text -- x', 'int /* x */', 'varchar(20', 'int)', 'text default 1 = 1', '']) {
      expect(() => declare(registry.fresh, { dbType })).toThrow(ModelDefinitionError);
    }
    expect(() => declare(registry.fresh, { dbType: 'text; drop table x' })).toThrow(
      /Thing\.value: dbType .* is not a type expression.*Write a column type as DDL spells it/,
    );
  });

  it('needs of with type array, refuses it elsewhere, and refuses generated columns with a default', () => {
    expect(declare(registry.fresh, { type: 'array', of: 'string', maxLength: 20 }).meta.fields.get('value')).toMatchObject({
      type: 'array',
      of: 'string',
      maxLength: 20,
    });
    expect(() => declare(registry.fresh, { type: 'array' })).toThrow(/an array field needs its element type: \{ type: 'array', of: 'text' \}/);
    expect(() => declare(registry.fresh, { type: 'array', of: 'enum' })).toThrow(ModelDefinitionError);
    expect(() => declare(registry.fresh, { type: 'text', of: 'text' })).toThrow(/of applies to type 'array' only/);
    expect(() => declare(registry.fresh, { dbType: 'tsvector', generated: 'x', default: 'y' })).toThrow(/generated column/);
    expect(declare(registry.fresh, { type: 'smallint' }).meta.fields.get('value')).toMatchObject({ type: 'smallint', jsKind: 'number' });
  });

  it('spells PostgreSQL and MySQL types the way their catalogs print them', () => {
    expect(normalizePostgresType('varchar(20)[]')).toBe('character varying(20)[]');
    expect(normalizePostgresType('INT4[3][]')).toBe('integer[]');
    expect(normalizePostgresType('timestamptz(3)')).toBe('timestamp(3) with time zone');
    expect(normalizePostgresType('decimal(10, 2)')).toBe('numeric(10,2)');
    expect(normalizePostgresType('public.mood')).toBe('mood');
    expect(normalizeMysqlType('MEDIUMINT(9)')).toBe(normalizeMysqlType('mediumint'));
    expect(normalizeMysqlType("SET('a', 'B')")).toBe("set('a','B')");
  });
});

describe('type array on a dialect without arrays', () => {
  it('is a NotSupportedError naming SQLite at createAll, never JSON', async () => {
    const registry = new Registry('sqlite::memory:');
    declare(registry, { type: 'array', of: 'text' });
    await expect(registry.createAll()).rejects.toThrow(NotSupportedError);
    await expect(registry.createAll()).rejects.toThrow(/type 'array' is a PostgreSQL array, and SQLite has no array type\. Use \{ type: 'json' \}/);
    await registry.disconnect();
  });
});

describeWithServer('type array on MariaDB', MYSQL_URL, () => {
  it('is a NotSupportedError naming MySQL/MariaDB at createAll', async () => {
    const registry = new Registry(MYSQL_URL);
    declare(registry, { type: 'array', of: 'integer' });
    await expect(registry.createAll()).rejects.toThrow(/MySQL\/MariaDB has no array type/);
    await registry.disconnect();
  });
});

describe('declared dbType and smallint on SQLite', () => {
  it('creates the declared type, reads and writes it, and the diff finds nothing', async () => {
    const registry = new Registry('sqlite::memory:');
    const tablename = uniqueName('dbt');
    @Model({ registry, tablename })
    class Shape extends BaseModel {
      @Field({ dbType: 'GEOMETRY' }) shape!: string;
      @Field({ type: 'smallint' }) small!: number;
      @Field({ type: 'integer', generated: 'small * 2' }) twice!: number;
    }
    await registry.createAll();
    expect(await changesOf(registry, tablename)).toEqual([]);
    const made = await Shape.query.create({ shape: 'POINT(1 1)', small: 3 });
    expect(await Shape.query.filter({ id: made.pk }).values('shape', 'small', 'twice')).toEqual([{ shape: 'POINT(1 1)', small: 3, twice: 6 }]);
    await registry.disconnect();
  });
});

describeWithServer('declared dbType, arrays and smallint on PostgreSQL', PG_URL, () => {
  const schema = uniqueName('dbt');
  const registry = new Registry(PG_URL, { schema });
  @Model({ registry, tablename: 'docs' })
  class Doc extends BaseModel {
    @Field({ maxLength: 80 }) title!: string;
    @Field({ type: 'smallint', default: 1 }) rank!: number;
    @Field({ type: 'array', of: 'text', default: '{}' }) tags!: string[];
    @Field({ type: 'array', of: 'string', maxLength: 20, nullable: true }) codes!: string[] | null;
    @Field({ dbType: 'int4[]', nullable: true }) nums!: number[] | null;
    @Field({ dbType: 'varchar(20)[]', nullable: true }) labels!: string[] | null;
    @Field({ dbType: 'tsvector', generated: "to_tsvector('english', title)" }) search!: string;
    @Field({ dbType: 'timestamptz(3)', nullable: true }) at!: Date | null;
  }
  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
  });

  it('creates each column with its type; the diff finds nothing, then sees a changed dbType', async () => {
    await registry.createAll();
    expect(await changesOf(registry, 'docs')).toEqual([]);
    const types = (
      await registry.database.knex!.raw(
        `select attname, format_type(atttypid, atttypmod) as t from pg_attribute where attrelid = '"${schema}".docs'::regclass and attnum > 0 order by attnum`,
      )
    ).rows.map((r: { attname: string; t: string }) => `${r.attname} ${r.t}`);
    expect(types).toEqual([
      'id integer',
      'title character varying(80)',
      'rank smallint',
      'tags text[]',
      'codes character varying(20)[]',
      'nums integer[]',
      'labels character varying(20)[]',
      'search tsvector',
      'at timestamp(3) with time zone',
    ]);
    const copy = registry.copy();
    const field = copy.getModel('Doc').meta.fields.get('labels')!;
    field.dbType = 'varchar(30)[]';
    copy.invalidateModels();
    expect((await changesOf(copy, 'docs')).join('\n')).toMatch(/alter column \S*docs\.labels \(type character varying\(20\)\[\] -> varchar\(30\)\[\]\)/);
  });

  it('writes and reads arrays, a tsvector and a generated column; saving leaves the generated column alone', async () => {
    const made = await Doc.query.create({ title: 'quick brown fox', tags: ['a', 'b'], codes: ['x'], nums: [1, 2], labels: ['l'] });
    const doc = await Doc.query.get({ id: made.pk });
    expect(doc).toMatchObject({ rank: 1, tags: ['a', 'b'], codes: ['x'], nums: [1, 2], labels: ['l'], search: "'brown':2 'fox':3 'quick':1" });
    doc.title = 'lazy dog';
    await doc.save();
    expect(await Doc.query.filter({ id: made.pk }).valuesList('search', { flat: true })).toEqual(["'dog':2 'lazi':1"]);
  });
});

describeWithServer('declared dbType and smallint on MariaDB', MYSQL_URL, () => {
  it('creates the declared types; the diff finds nothing; values read back', async () => {
    const registry = new Registry(MYSQL_URL);
    const tablename = uniqueName('dbt');
    @Model({ registry, tablename })
    class Odd extends BaseModel {
      @Field({ type: 'smallint' }) small!: number;
      @Field({ type: 'integer', dbType: 'mediumint' }) med!: number;
      @Field({ dbType: "set('a','b','c')", nullable: true }) flags!: string | null;
      @Field({ type: 'integer', dbType: 'year', nullable: true }) yr!: number | null;
    }
    try {
      await registry.createAll();
      expect(await changesOf(registry, tablename)).toEqual([]);
      const made = await Odd.query.create({ small: 1, med: 70000, flags: 'a,b', yr: 2024 });
      expect(await Odd.query.filter({ id: made.pk }).values('small', 'med', 'flags', 'yr')).toEqual([{ small: 1, med: 70000, flags: 'a,b', yr: 2024 }]);
    } finally {
      await registry.dropAll();
      await registry.disconnect();
    }
  });
});
