import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import { BaseModel, ConfigurationError, Field, ForeignKey, Model, ReflectModel, Registry } from '../../lib';
import type { ModelClass, Relation, RegistryOptions } from '../../lib';
import type { IntrospectedTable } from '../../lib/dialects/introspection';
import { AliasMigration, hasChanges, makeMigrations, MakeMigrationsOptions } from '../../lib/migrations/make';
import { describe as describeOp } from '../../lib/migrations/operations';
import { MigrationError, Migrator } from '../../lib/migrations/migrator';
import { declareEveryType, TABLES } from '../dialects/models';
import { migrationRoot } from '../support/migration-files';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/**
 * The schema diff's edge cases, end to end on every dialect: models → makemigrations → migrate → the check is
 * clean → rows are intact → downgrade → the check is clean against the previous models → migrate again.
 * Each case works in a database of its own (an SQLite file, a PostgreSQL schema, a MariaDB database).
 */

jest.setTimeout(120_000);

type DialectName = 'sqlite' | 'postgres' | 'mysql';
type Declare = (registry: Registry) => unknown;
type Row = Record<string, unknown>;

const NOW = new Date('2026-01-02T03:04:05Z');

/** A running operation or a pending migration, in words: what a clean check must not report. */
function changes(plan: AliasMigration): string[] {
  return [...plan.pending.map((p) => `pending ${p}`), ...plan.operations.filter((p) => !p.skipped).map((p) => describeOp(p.op))];
}

const kinds = (plan: AliasMigration, skipped = false) => plan.operations.filter((p) => !!p.skipped === skipped).map((p) => p.op.kind);

/** One case's own empty database and migration folder. */
class Space {
  readonly registries: Registry[] = [];
  readonly url: string;
  readonly schema?: string;
  readonly dir: string;

  constructor(
    readonly dialect: DialectName,
    serverUrl: string,
    name: string,
  ) {
    this.dir = migrationRoot(`diff-${name}`);
    this.schema = dialect === 'sqlite' ? undefined : uniqueName('dc');
    this.url = dialect === 'sqlite' ? `sqlite://${join(this.dir, 'app.db')}` : serverUrl;
  }

  /** A registry over this space with the models `declare` adds (not connected yet). */
  open(declare: Declare, options: RegistryOptions = {}): Registry {
    const registry = new Registry(this.url, { ...(this.schema ? { schema: this.schema } : {}), ...options });
    declare(registry);
    this.registries.push(registry);
    return registry;
  }

  async make(registry: Registry, options: MakeMigrationsOptions = {}): Promise<AliasMigration> {
    await registry.connect();
    const [result] = await makeMigrations(registry, { config: { directory: this.dir }, now: NOW, ...options });
    return result;
  }

  /** What a check still sees (empty when the database matches the models). */
  async changes(registry: Registry, options: MakeMigrationsOptions = {}): Promise<string[]> {
    const plan = await this.make(registry, { ...options, check: true });
    const found = changes(plan);
    expect(hasChanges(plan)).toBe(found.length > 0);
    return found;
  }

  migrator(registry: Registry): Migrator {
    return new Migrator(registry, 'default', { directory: this.dir });
  }

  /** The generated migration files, by name. */
  files(): string[] {
    const folder = join(this.dir, 'default');
    return existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.ts')).sort() : [];
  }

  read(file: string): string {
    return readFileSync(join(this.dir, 'default', file), 'utf8');
  }

  table(name: string): string {
    return this.schema ? `${this.schema}.${name}` : name;
  }

  async knex(registry: Registry) {
    await registry.connect();
    return registry.databaseFor('default').runner();
  }

  async rows(registry: Registry, table: string, columns: string[], order = 'id'): Promise<Row[]> {
    const knex = await this.knex(registry);
    return (await knex(this.table(table)).select(columns).orderBy(order)) as Row[];
  }

  /** The live tables keelson owns (not the migration bookkeeping), without their schema. */
  async introspect(registry: Registry): Promise<IntrospectedTable[]> {
    const knex = await this.knex(registry);
    const tables = await registry.databaseFor('default').driver.introspect(knex, this.schema);
    return tables
      .filter((t) => !t.name.startsWith('keelson_migrations'))
      .map((t) => ({ ...t, schema: undefined }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async tableNames(registry: Registry): Promise<string[]> {
    return (await this.introspect(registry)).map((t) => t.name);
  }
}

/** What {@link roundTrip} checks at every step. */
interface RoundTrip {
  /** The models the database has now (applied and seeded by the caller). */
  from: Declare;
  /** The models to migrate to. */
  to: Declare;
  options?: MakeMigrationsOptions;
  /** Options of the checks against `to` (e.g. `allowDrop` when the migration dropped something). */
  checkOptions?: MakeMigrationsOptions;
  /** Rows that must be the same after up, down and up again (each registry reads them through its own models). */
  rows?: (registry: Registry) => Promise<unknown>;
  /** The rows after the downgrade, when they differ on purpose (a re-created table is empty). */
  rowsAfterDown?: (before: unknown) => unknown;
  /** Runs on the migrated database (behaviour checks); must leave `rows` as they were. */
  afterUp?: (registry: Registry) => Promise<void>;
  /** Runs on the downgraded database. */
  afterDown?: (registry: Registry) => Promise<void>;
  /** Assertions on the plan before anything is applied. */
  plan?: (result: AliasMigration, text: string) => void;
}

/** make → migrate → clean → rows → downgrade → clean against `from` → rows → migrate → clean → rows. */
async function roundTrip(s: Space, spec: RoundTrip): Promise<AliasMigration> {
  const read = spec.rows ?? (async () => null);
  const before = await read(s.open(spec.from));
  const v2 = s.open(spec.to);
  const result = await s.make(v2, spec.options);
  expect(result.file).toBeDefined();
  const name = result.file!.split('/').pop()!.replace(/\.ts$/, '');
  spec.plan?.(result, readFileSync(result.file!, 'utf8'));

  expect(await s.migrator(v2).latest()).toEqual([name]);
  expect(await s.changes(v2, spec.checkOptions)).toEqual([]);
  expect(await read(v2)).toEqual(before);
  await spec.afterUp?.(v2);

  expect(await s.migrator(v2).downgrade()).toEqual([name]);
  const v1 = s.open(spec.from);
  const down = await s.make(v1, { check: true });
  expect(down.pending).toEqual([name]);
  expect(changes({ ...down, pending: [] })).toEqual([]);
  expect(await read(v1)).toEqual(spec.rowsAfterDown ? spec.rowsAfterDown(before) : before);
  await spec.afterDown?.(v1);

  expect(await s.migrator(v1).latest()).toEqual([name]);
  const again = s.open(spec.to);
  expect(await s.changes(again, spec.checkOptions)).toEqual([]);
  if (!spec.rowsAfterDown) expect(await read(again)).toEqual(before);
  return result;
}

/** Applies the first migration of `declare` on the empty space; returns the registry. */
async function initial(s: Space, declare: Declare): Promise<Registry> {
  const registry = s.open(declare);
  const result = await s.make(registry);
  expect(result.file).toMatch(/0001_initial\.ts$/);
  expect(await s.migrator(registry).latest()).toEqual(['0001_initial']);
  expect(await s.changes(registry)).toEqual([]);
  return registry;
}

const model = (registry: Registry, name: string) => registry.models[name] as ModelClass;
const num = (v: unknown) => (v === null || v === undefined ? v : Number(v));

/** Compiles migration files with the TypeScript compiler in strict mode; resolves to the diagnostics. */
function typeCheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    noImplicitReturns: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noFallthroughCasesInSwitch: true,
    exactOptionalPropertyTypes: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Models of the cases
// ---------------------------------------------------------------------------------------------------------------

/** Every field type (spec/dialects/models.ts) plus a self-referencing foreign key. */
function everything(registry: Registry) {
  declareEveryType(registry);
  @Model({ registry, tablename: 'dc_node' })
  class Node extends BaseModel {
    @Field({ maxLength: 30 }) name!: string;
    @ForeignKey('Node', { nullable: true, onDelete: 'SET NULL', relatedName: 'children' }) parent?: Relation<Node> | null;
  }
  void Node;
}

/** A shelf with books; the shelf's table is renamed in {@link rack}. */
function shelf(tablename: string, withBooks = true) {
  return (registry: Registry) => {
    @Model({ registry, tablename, indexes: [{ fields: ['label', 'floor'] }] })
    class Shelf extends BaseModel {
      @Field({ maxLength: 20, unique: true }) code!: string;
      @Field({ maxLength: 60 }) label!: string;
      @Field({ type: 'integer', default: 1 }) floor!: number;
    }
    if (!withBooks) return;
    @Model({ registry, tablename: 'dc_book' })
    class Book extends BaseModel {
      @Field({ maxLength: 80 }) title!: string;
      @ForeignKey('Shelf', { onDelete: 'CASCADE' }) shelf!: Relation<Shelf>;
    }
    void Book;
  };
}

/** A kept table and one that goes away (with a foreign key, an index, a unique, an enum and defaults). */
function keepAndGone(withGone: boolean) {
  return (registry: Registry) => {
    @Model({ registry, tablename: 'dc_keep' })
    class Keep extends BaseModel {
      @Field({ maxLength: 40 }) name!: string;
    }
    if (!withGone) return;
    @Model({ registry, tablename: 'dc_gone', uniqueTogether: [['keep', 'kind']] })
    class Gone extends BaseModel {
      @Field({ maxLength: 30, index: true }) word!: string;
      @Field({ type: 'enum', choices: ['a', "b'c"], default: "b'c" }) kind!: string;
      @Field({ type: 'decimal', precision: 8, scale: 3, default: '1.250' }) weight!: string;
      @Field({ type: 'boolean', default: false }) flag!: boolean;
      @Field({ type: 'bigint', nullable: true }) big?: number | null;
      @ForeignKey(() => Keep, { onDelete: 'CASCADE' }) keep!: Relation<Keep>;
    }
  };
}

/** A person and a team referencing each other. */
function personAndTeam(registry: Registry) {
  @Model({ registry, tablename: 'dc_note' })
  class Note extends BaseModel {
    @Field({ maxLength: 20 }) text!: string;
  }
  @Model({ registry, tablename: 'dc_person' })
  class Person extends BaseModel {
    @Field({ maxLength: 40 }) name!: string;
    @ForeignKey('Team', { nullable: true, relatedName: 'fans' }) favorite?: Relation<Team> | null;
  }
  @Model({ registry, tablename: 'dc_team' })
  class Team extends BaseModel {
    @Field({ maxLength: 40 }) name!: string;
    @ForeignKey(() => Person, { nullable: true, relatedName: 'captained' }) captain?: Relation<Person> | null;
  }
  void Note;
}

function justNotes(registry: Registry) {
  @Model({ registry, tablename: 'dc_note' })
  class Note extends BaseModel {
    @Field({ maxLength: 20 }) text!: string;
  }
  void Note;
}

/** Owners and pets: CASCADE (not null) in the first version, SET NULL (nullable) in the second. */
function owners(setNull: boolean) {
  return (registry: Registry) => {
    @Model({ registry, tablename: 'dc_owner' })
    class Owner extends BaseModel {
      @Field({ maxLength: 40 }) name!: string;
    }
    @Model({ registry, tablename: 'dc_pet' })
    class Pet extends BaseModel {
      @Field({ maxLength: 40 }) name!: string;
      @ForeignKey(() => Owner, setNull ? { nullable: true, onDelete: 'SET NULL' } : { onDelete: 'CASCADE' }) owner?: Relation<Owner> | null;
    }
    void Pet;
  };
}

/** A table with a unique field, an indexed field, an `indexes` entry, a `uniqueTogether` and an indexed foreign key — or none of them. */
function indexed(withIndexes: boolean) {
  return (registry: Registry) => {
    @Model({ registry, tablename: 'dc_box' })
    class Box extends BaseModel {
      @Field({ maxLength: 20 }) name!: string;
    }
    @Model({
      registry,
      tablename: 'dc_item',
      ...(withIndexes ? { indexes: [{ fields: ['a', 'b'] }], uniqueTogether: [['a', 'c']] } : {}),
    })
    class Item extends BaseModel {
      @Field({ maxLength: 20, unique: withIndexes }) code!: string;
      @Field({ maxLength: 20, index: withIndexes }) title!: string;
      @Field({ type: 'integer' }) a!: number;
      @Field({ type: 'integer' }) b!: number;
      @Field({ type: 'integer' }) c!: number;
      @ForeignKey(() => Box, { index: withIndexes, onDelete: 'CASCADE' }) box!: Relation<Box>;
    }
    void Item;
  };
}

