import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as ts from 'typescript';
import { BaseModel, ConfigurationError, Field, Model, Registry } from '../../lib';
import type { FieldOptions } from '../../lib';
import { narrows } from '../../lib/migrations/column-changes';
import { makeMigrations } from '../../lib/migrations/make';
import { MigrationError } from '../../lib/migrations/migrator';
import { DialectName, MigrationSpace } from '../support/migration-space';
import { describeWithServer, MYSQL_URL, PG_URL } from '../support/servers';

/**
 * Narrowing type changes never lose data silently: makemigrations refuses while a row does not fit (naming the
 * column and the count), writes and applies the change unchanged when every row fits, converts on purpose with
 * --allow-lossy, and the file it writes refuses (changing nothing) on a database whose rows do not fit.
 */

jest.setTimeout(180_000);

type Norm = (v: unknown) => unknown;

const num: Norm = (v) => (v === null || v === undefined ? v : Number(v));
const text: Norm = (v) => v;
const day: Norm = (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** One narrowing change of column `v`: the field before and after, values that fit, one that does not, and what --allow-lossy makes of it. */
interface Case {
  name: string;
  before: FieldOptions;
  after: FieldOptions;
  fit: unknown[];
  unfit: unknown;
  /** The unfit value after a lossy conversion (normalized). */
  converted: unknown;
  norm: Norm;
  /** Dialects on which the two types look the same: nothing to migrate, nothing changes. */
  same?: DialectName[];
}

const CASES: Case[] = [
  {
    name: 'str',
    before: { type: 'string', maxLength: 100 },
    after: { type: 'string', maxLength: 5 },
    fit: ['abc', "it's"],
    unfit: 'abcdefgh',
    converted: 'abcde',
    norm: text,
  },
  {
    name: 'txt',
    before: { type: 'text' },
    after: { type: 'string', maxLength: 10 },
    fit: ['short', 'ten chars!'],
    unfit: 'x'.repeat(20),
    converted: 'x'.repeat(10),
    norm: text,
  },
  {
    name: 'dec',
    before: { type: 'decimal', precision: 10, scale: 2 },
    after: { type: 'decimal', precision: 10, scale: 0 },
    fit: ['12.00', '-7'],
    unfit: '12.34',
    converted: 12,
    norm: num,
    same: ['sqlite'],
  },
  { name: 'flt', before: { type: 'float' }, after: { type: 'integer' }, fit: [3, -40], unfit: 2.7, converted: 3, norm: num },
  {
    name: 'dtm',
    before: { type: 'datetime' },
    after: { type: 'date' },
    fit: [new Date('2026-01-02T00:00:00Z'), new Date('1999-12-31T00:00:00Z')],
    unfit: new Date('2026-03-04T05:06:07Z'),
    converted: '2026-03-04',
    norm: day,
  },
  {
    name: 'fdc',
    before: { type: 'float' },
    after: { type: 'decimal', precision: 10, scale: 2 },
    fit: [1.25, -3],
    unfit: 1.234,
    converted: 1.23,
    norm: num,
    same: ['sqlite'],
  },
  { name: 'sml', before: { type: 'integer' }, after: { type: 'smallint' }, fit: [100, -32768], unfit: 40000, converted: 32767, norm: num, same: ['sqlite'] },
  {
    name: 'enm',
    before: { type: 'enum', choices: ['a', 'b', 'c'], default: 'a' },
    after: { type: 'enum', choices: ['a', 'b'], default: 'a' },
    fit: ['a', 'b'],
    unfit: 'c',
    converted: 'a',
    norm: text,
  },
];

/** A model of table `nw_<case>` with the column `v` as `field` declares it. */
function declare(c: Case, field: FieldOptions) {
  return (registry: Registry) => {
    @Model({ registry, tablename: `nw_${c.name}` })
    class Row extends BaseModel {
      @Field({ ...field, nullable: true } as FieldOptions) v?: unknown;
    }
    void Row;
  };
}

/** One empty database and migration folder, with the narrowing case's table. */
class Space extends MigrationSpace {
  constructor(dialect: DialectName, serverUrl: string, name: string) {
    super(dialect, serverUrl, `narrow-${name}`);
  }

  /** A connected registry with the case's model at `field`. */
  async open(c: Case, field: FieldOptions): Promise<Registry> {
    const registry = this.registry(declare(c, field));
    await registry.connect();
    return registry;
  }

  caseTable(c: Case): string {
    return this.table(`nw_${c.name}`);
  }

  /** The table at `before`, migrated, holding `values` (inserted through the model, so stored as keelson stores them). */
  async seeded(c: Case, values: unknown[]): Promise<Registry> {
    const registry = await this.open(c, c.before);
    const first = await this.make(registry);
    expect(first.file).toMatch(/0001_initial\.ts$/);
    await this.migrator(registry).latest();
    const Row = registry.models.Row;
    for (const v of values) await Row.query.create({ v });
    return registry;
  }

  async values(registry: Registry, c: Case): Promise<unknown[]> {
    const knex = await registry.databaseFor('default').runner();
    const rows = (await knex(this.caseTable(c)).select('v').orderBy('id')) as { v: unknown }[];
    return rows.map((r) => c.norm(r.v));
  }

  /** The live column `v` as introspection reports it. */
  async column(registry: Registry, c: Case): Promise<unknown> {
    const knex = await registry.databaseFor('default').runner();
    const [table] = await registry.databaseFor('default').driver.introspect(knex, this.schema, [`nw_${c.name}`]);
    return table.columns.find((col) => col.name === 'v');
  }
}

/** Compiles migration files in strict mode; returns the diagnostics. */
function typeCheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    exactOptionalPropertyTypes: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

function cases(dialect: DialectName, serverUrl: string) {
  const spaces: Space[] = [];
  const space = (name: string) => {
    const s = new Space(dialect, serverUrl, name);
    spaces.push(s);
    return s;
  };
  const generated: string[] = [];

  // Each test's registries close when it ends: kept open, they would hold dozens of server connections.
  afterEach(async () => {
    for (const s of spaces) await s.disconnectAll();
  });

  afterAll(() => MigrationSpace.removeAll(spaces, serverUrl));

  for (const c of CASES) {
    const where = `nw_${c.name}.v`;
    if (c.same?.includes(dialect)) {
      it(`${c.name}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)} is no change here (the database stores both alike): nothing to migrate, nothing changes`, async () => {
        const s = space(`${c.name}-same`);
        const v1 = await s.seeded(c, [...c.fit, c.unfit]);
        const before = await s.values(v1, c);
        const result = await s.make(await s.open(c, c.after));
        expect(result.file).toBeUndefined();
        expect(await s.values(v1, c)).toEqual(before);
      });
      continue;
    }

    it(`${c.name}: a row that does not fit makes makemigrations refuse, naming the column and the count, and write nothing`, async () => {
      const s = space(`${c.name}-refuse`);
      const v1 = await s.seeded(c, [...c.fit, c.unfit]);
      const before = await s.values(v1, c);
      const refused = await s.make(await s.open(c, c.after)).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ConfigurationError);
      const message = (refused as Error).message;
      expect(message).toContain(`${where}: type `);
      expect(message).toContain(`1 row of "nw_${c.name}" hold`);
      expect(message).toContain(`--allow-lossy ${where}`);
      expect(message).toContain('id=3');
      expect(s.files()).toEqual(['0001_initial.ts']);
      expect(await s.values(v1, c)).toEqual(before);
    });

    it(`${c.name}: rows that all fit migrate unchanged; the same file refuses, changing nothing, on a database whose rows do not fit`, async () => {
      const s = space(`${c.name}-fit`);
      const v1 = await s.seeded(c, c.fit);
      const before = await s.values(v1, c);
      const v2 = await s.open(c, c.after);
      const result = await s.make(v2);
      expect(result.file).toMatch(/0002_/);
      expect(result.warnings.join('\n')).toContain(`${where}: type `);
      const source = readFileSync(result.file!, 'utf8');
      expect(source).toContain('await refuseUnfit(knex, ');
      generated.push(result.file!);
      expect(await s.migrator(v2).latest()).toEqual([basename(result.file!, '.ts')]);
      expect(await s.values(v2, c)).toEqual(before);
      const [again] = await makeMigrations(v2, { config: { directory: s.dir }, check: true });
      expect(again.operations.filter((p) => !p.skipped)).toEqual([]);

      // The same file, on another database whose rows do not fit.
      const other = space(`${c.name}-other`);
      const w1 = await other.seeded(c, [...c.fit, c.unfit]);
      const otherBefore = await other.values(w1, c);
      const columnBefore = await other.column(w1, c);
      const retargeted = s.schema ? source.split(s.schema).join(other.schema!) : source;
      writeFileSync(join(other.dir, 'default', basename(result.file!)), retargeted);
      const w2 = await other.open(c, c.after);
      const error = await other
        .migrator(w2)
        .latest()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect(String((error as Error).message) + String((error as { cause?: Error }).cause?.message ?? '')).toContain('1 row(s) hold values that do not fit');
      expect(await other.migrator(w2).applied()).toEqual(['0001_initial']);
      expect(await other.column(w2, c)).toEqual(columnBefore);
      expect(await other.values(w2, c)).toEqual(otherBefore);
    });

    it(`${c.name}: with --allow-lossy the migration is written with a warning of the rows that change, and applies`, async () => {
      const s = space(`${c.name}-lossy`);
      const v1 = await s.seeded(c, [...c.fit, c.unfit]);
      const fitBefore = (await s.values(v1, c)).slice(0, c.fit.length);
      const v2 = await s.open(c, c.after);
      const result = await s.make(v2, { allowLossy: [where] });
      expect(result.file).toMatch(/0002_/);
      expect(result.warnings.join('\n')).toContain(`${where}: type `);
      expect(result.warnings.join('\n')).toContain(`1 row of "nw_${c.name}" will change with --allow-lossy`);
      generated.push(result.file!);
      expect(await s.migrator(v2).latest()).toEqual([basename(result.file!, '.ts')]);
      expect(await s.values(v2, c)).toEqual([...fitBefore, c.converted]);
    });
  }

  it('down() of a widening guards its narrowing too: a value the old type cannot hold makes the downgrade refuse, changing nothing', async () => {
    const c: Case = { name: 'wid', before: { type: 'integer' }, after: { type: 'bigint' }, fit: [7], unfit: 5_000_000_000, converted: 0, norm: num };
    const s = space('widen');
    await s.seeded(c, c.fit);
    const v2 = await s.open(c, c.after);
    const result = await s.make(v2);
    expect(result.warnings).toEqual([]);
    const name = basename(result.file!, '.ts');
    expect(await s.migrator(v2).latest()).toEqual([name]);
    await v2.models.Row.query.create({ v: 5_000_000_000 });
    const before = await s.values(v2, c);
    const columnBefore = await s.column(v2, c);
    const error = await s
      .migrator(v2)
      .downgrade()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(await s.migrator(v2).applied()).toEqual(['0001_initial', name]);
    expect(await s.column(v2, c)).toEqual(columnBefore);
    expect(await s.values(v2, c)).toEqual(before);
  });

  it('an --allow-lossy naming no narrowed column is reported as unused; a malformed one is refused', async () => {
    const c = CASES[0];
    const s = space('unused');
    const v1 = await s.seeded(c, c.fit);
    void v1;
    const v2 = await s.open(c, c.before);
    const plan = await s.make(v2, { allowLossy: ['nw_str.nothing'], check: true });
    expect(plan.warnings.join('\n')).toContain('--allow-lossy nw_str.nothing is not used');
    await expect(s.make(v2, { allowLossy: ['nothing'], check: true })).rejects.toThrow('write it as table.column');
  });

  it('the generated guarded and lossy migration files type-check under strict TypeScript', () => {
    expect(generated.length).toBeGreaterThan(0);
    // Copied next to a node_modules link so `import type { Knex } from 'knex'` resolves.
    const dir = join(spaces[0].dir, 'typecheck');
    mkdirSync(dir, { recursive: true });
    const files = generated.map((f, i) => {
      const target = join(dir, `m${i}_${basename(f)}`);
      copyFileSync(f, target);
      return target;
    });
    expect(typeCheck(files)).toEqual([]);
  });
}

describe('narrows()', () => {
  it('flags float → decimal, integer → a decimal with too few integer digits, and removed enum choices; not the widenings', () => {
    expect(narrows({ name: 'v', type: 'decimal', precision: 10, scale: 2 } as never, { name: 'v', type: 'float' } as never)).toBe(true);
    expect(narrows({ name: 'v', type: 'decimal', precision: 6, scale: 2 } as never, { name: 'v', type: 'integer' } as never)).toBe(true);
    expect(narrows({ name: 'v', type: 'decimal', precision: 12, scale: 2 } as never, { name: 'v', type: 'integer' } as never)).toBe(false);
    expect(narrows({ name: 'v', type: 'enum', choices: ['a'] } as never, { name: 'v', type: 'enum', choices: ['a', 'b'] } as never)).toBe(true);
    expect(narrows({ name: 'v', type: 'enum', choices: ['a', 'b', 'c'] } as never, { name: 'v', type: 'enum', choices: ['a', 'b'] } as never)).toBe(false);
    expect(narrows({ name: 'v', type: 'bigint' } as never, { name: 'v', type: 'integer' } as never)).toBe(false);
    expect(narrows({ name: 'v', type: 'text' } as never, { name: 'v', type: 'integer' } as never)).toBe(false);
    expect(narrows({ name: 'v', type: 'integer' } as never, { name: 'v', type: 'text' } as never)).toBe(true);
  });
});

describe('narrowing type changes', () => {
  describe('on SQLite', () => cases('sqlite', 'sqlite'));
  describeWithServer('on PostgreSQL', PG_URL, () => cases('postgres', PG_URL));
  describeWithServer('on MariaDB', MYSQL_URL, () => cases('mysql', MYSQL_URL));
});
