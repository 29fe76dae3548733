import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as ts from 'typescript';
import { AutoReflectModel, BaseModel, ConfigurationError, Field, ForeignKey, ManyToMany, Model, ReflectModel, Registry } from '../../lib';
import type { ManyRelation, ModelClass, Relation, RegistryOptions } from '../../lib';
import type { IntrospectedTable } from '../../lib/dialects/introspection';
import { AliasMigration, hasChanges, MakeMigrationsOptions } from '../../lib/migrations/make';
import { describe as describeOp } from '../../lib/migrations/operations';
import { MigrationError } from '../../lib/migrations/migrator';
import { declareEveryType, TABLES } from '../dialects/models';
import { DialectName, MigrationSpace } from '../support/migration-space';
import { describeWithServer, MYSQL_URL, PG_URL } from '../support/servers';

/**
 * The schema diff's edge cases, end to end on every dialect: models → makemigrations → migrate → the check is
 * clean → rows are intact → downgrade → the check is clean against the previous models → migrate again.
 * Each case works in a database of its own (an SQLite file, a PostgreSQL schema, a MariaDB database).
 */

jest.setTimeout(120_000);

type Declare = (registry: Registry) => unknown;
type Row = Record<string, unknown>;

/** A running operation or a pending migration, in words: what a clean check must not report. */
function changes(plan: AliasMigration): string[] {
  return [...plan.pending.map((p) => `pending ${p}`), ...plan.operations.filter((p) => !p.skipped).map((p) => describeOp(p.op))];
}

const kinds = (plan: AliasMigration, skipped = false) => plan.operations.filter((p) => !!p.skipped === skipped).map((p) => p.op.kind);

/** One case's own empty database and migration folder. */
class Space extends MigrationSpace {
  constructor(dialect: DialectName, serverUrl: string, name: string) {
    super(dialect, serverUrl, `diff-${name}`);
  }

  /** A registry over this space with the models `declare` adds (not connected yet). */
  open(declare: Declare, options: RegistryOptions = {}): Registry {
    return this.registry(declare, options);
  }

  /** What a check still sees (empty when the database matches the models). */
  async changes(registry: Registry, options: MakeMigrationsOptions = {}): Promise<string[]> {
    const plan = await this.make(registry, { ...options, check: true });
    const found = changes(plan);
    expect(hasChanges(plan)).toBe(found.length > 0);
    return found;
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
      .map((t) => ({ ...t, schema: undefined, foreignKeys: [...t.foreignKeys].sort((a, b) => (a.column < b.column ? -1 : 1)) }))
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
  const v0 = s.open(spec.from);
  const before = await read(v0);
  const schemaBefore = await s.introspect(v0);
  const v2 = s.open(spec.to);
  const result = await s.make(v2, spec.options);
  expect(result.file).toBeDefined();
  const name = basename(result.file!, '.ts');
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
  expect(await read(v1)).toEqual(before);
  // Down restores the schema exactly: types, defaults, indexes and constraints, under their names.
  expect(await s.introspect(v1)).toEqual(schemaBefore);
  await spec.afterDown?.(v1);

  expect(await s.migrator(v1).latest()).toEqual([name]);
  const again = s.open(spec.to);
  expect(await s.changes(again, spec.checkOptions)).toEqual([]);
  expect(await read(again)).toEqual(before);
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
const truthy = (v: unknown) => v === true || Number(v) === 1;
const num = (v: unknown) => (v === null || v === undefined ? v : Number(v));

/** Compiles migration files with the TypeScript compiler in strict mode (and then some); returns the diagnostics. */
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

/** A shelf (in the table `tablename`, which case 2 renames) with books referencing it. */
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
    // Declared for its table: the class itself is not used.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    class Gone extends BaseModel {
      @Field({ maxLength: 30, index: true }) word!: string;
      @Field({ type: 'enum', choices: ['a', "b'c"], default: "b'c" }) kind!: string;
      @Field({ type: 'decimal', precision: 8, scale: 3, default: '1.250' }) weight!: string;
      @Field({ type: 'boolean', default: false }) flag!: boolean;
      @Field({ type: 'bigint', nullable: true }) big?: number | null;
      @Field({ type: 'uuid', nullable: true, unique: true }) ref?: string | null;
      @Field({ type: 'datetime', nullable: true }) seen?: Date | null;
      @Field({ type: 'json', nullable: true }) doc?: unknown;
      @ForeignKey(() => Keep, { onDelete: 'CASCADE' }) keep!: Relation<Keep>;
      @ForeignKey(() => Keep, { nullable: true, onDelete: 'RESTRICT', onUpdate: 'SET NULL', relatedName: 'others' }) other?: Relation<Keep> | null;
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

/** A plain table; the second version makes `code` unique and adds a column in the same migration. */
function tickets(second: boolean) {
  return (registry: Registry) => {
    if (!second) {
      @Model({ registry, tablename: 'dc_ticket' })
      class Ticket extends BaseModel {
        @Field({ maxLength: 20 }) code!: string;
        @Field({ type: 'integer', default: 0 }) seats!: number;
      }
      return Ticket;
    }
    @Model({ registry, tablename: 'dc_ticket' })
    class Ticket extends BaseModel {
      @Field({ maxLength: 20, unique: true }) code!: string;
      @Field({ type: 'integer', default: 0 }) seats!: number;
      @Field({ type: 'string', maxLength: 40, nullable: true }) note?: string | null;
    }
    return Ticket;
  };
}

/** Column types before and after: integer→bigint, string(50)→text, text→string(20), decimal(10,2)→(12,4), an enum choice more. */
function typed(version: 'before' | 'after' | 'decimal only') {
  const after = version === 'after';
  return (registry: Registry) => {
    @Model({ registry, tablename: 'dc_typed' })
    class Typed extends BaseModel {
      @Field({ type: after ? 'bigint' : 'integer' }) count!: number;
      @Field(after ? { type: 'text' } : { type: 'string', maxLength: 50 }) name!: string;
      @Field(after ? { type: 'string', maxLength: 20, nullable: true } : { type: 'text', nullable: true }) body?: string | null;
      @Field({ type: 'decimal', ...(version === 'before' ? { precision: 10, scale: 2 } : { precision: 12, scale: 4 }) }) price!: string;
      @Field({ type: 'enum', choices: after ? ['a', 'b', "c'd", 'e?'] : ['a', 'b'], default: 'a' }) status!: string;
      // Unchanged columns of the types a rebuild must re-create exactly.
      @Field({ type: 'uuid', nullable: true }) ref?: string | null;
      @Field({ type: 'boolean', default: true }) flag!: boolean;
      @Field({ type: 'time', nullable: true }) at?: string | null;
    }
    void Typed;
  };
}

/** Members whose nickname and rank are nullable, or required without a default. */
function members(required: boolean) {
  return (registry: Registry) => {
    @Model({ registry, tablename: 'dc_member' })
    class Member extends BaseModel {
      @Field({ maxLength: 30 }) name!: string;
      @Field({ type: 'string', maxLength: 30, nullable: !required }) nick?: string | null;
      @Field({ type: 'integer', nullable: !required }) rank?: number | null;
    }
    void Member;
  };
}

/** A declared table and a reflected one (its table made by hand). */
function withLegacy(registry: Registry) {
  @Model({ registry, tablename: 'dc_fresh' })
  class Fresh extends BaseModel {
    @Field({ maxLength: 20 }) name!: string;
  }
  @Model({ registry, tablename: 'dc_legacy' })
  class Legacy extends ReflectModel {
    @Field({ maxLength: 50 }) title!: string;
  }
  @Model({ registry, pattern: { include: /^dc_log_\d+$/, template: (t: string) => `Log_${t}` } })
  class Logs extends AutoReflectModel {
    @Field({ type: 'text' }) message!: string;
  }
  void Fresh;
  void Legacy;
  void Logs;
}

/** Models exercising most operations at once, for the type check of the files they generate. */
function assorted(second: boolean) {
  return (registry: Registry) => {
    @Model({ registry, tablename: 'dc_author' })
    class Author extends BaseModel {
      @Field({ maxLength: 40 }) name!: string;
    }
    if (!second) {
      @Model({ registry, tablename: 'dc_article' })
      class Article extends BaseModel {
        @Field({ maxLength: 40 }) title!: string;
        @Field({ type: 'text', nullable: true }) body?: string | null;
        @Field({ type: 'integer', nullable: true }) views?: number | null;
        @Field({ type: 'enum', choices: ['draft', 'live'], default: 'draft' }) state!: string;
        @ForeignKey(() => Author, { onDelete: 'CASCADE' }) author!: Relation<Author>;
      }
      @Model({ registry, tablename: 'dc_obsolete' })
      class Obsolete extends BaseModel {
        @Field({ maxLength: 10 }) x!: string;
      }
      return [Article, Obsolete];
    }
    @Model({ registry, tablename: 'dc_article', indexes: [{ fields: ['headline', 'state'] }] })
    class Article extends BaseModel {
      @Field({ maxLength: 80, unique: true }) headline!: string;
      @Field({ type: 'integer' }) views!: number;
      @Field({ type: 'integer' }) rating!: number;
      @Field({ type: 'enum', choices: ['draft', 'live', "it's gone"], default: "it's gone" }) state!: string;
      @ForeignKey(() => Author, { nullable: true, onDelete: 'SET NULL' }) author?: Relation<Author> | null;
    }
    return [Article];
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The cases, once per dialect
// ---------------------------------------------------------------------------------------------------------------

/**
 * Lists and songs joined by a table whose primary key is both of its foreign keys (a through model); the second
 * version gives the join table a NOT NULL position.
 */
function playlists(withPosition: boolean) {
  return (registry: Registry) => {
    @Model({ registry, tablename: 'dc_list' })
    class List extends BaseModel {
      @Field({ maxLength: 20 }) name!: string;
      @ManyToMany('Song', { through: 'Entry', relatedName: 'lists' }) songs!: ManyRelation<Song>;
    }
    @Model({ registry, tablename: 'dc_song' })
    class Song extends BaseModel {
      @Field({ maxLength: 20 }) title!: string;
    }
    if (withPosition) {
      @Model({ registry, tablename: 'dc_entry', indexes: [{ name: 'dc_entry_by_song', fields: ['song'] }] })
      class Entry extends BaseModel {
        @ForeignKey(() => List, { primaryKey: true, relatedName: 'entries', onDelete: 'CASCADE' }) list!: Relation<List>;
        @ForeignKey(() => Song, { primaryKey: true, relatedName: 'entries', onDelete: 'NO ACTION', onUpdate: 'NO ACTION' }) song!: Relation<Song>;
        @Field({ type: 'integer' }) position!: number;
      }
      void Entry;
    } else {
      @Model({ registry, tablename: 'dc_entry', indexes: [{ name: 'dc_entry_by_song', fields: ['song'] }] })
      class Entry extends BaseModel {
        @ForeignKey(() => List, { primaryKey: true, relatedName: 'entries', onDelete: 'CASCADE' }) list!: Relation<List>;
        @ForeignKey(() => Song, { primaryKey: true, relatedName: 'entries', onDelete: 'NO ACTION', onUpdate: 'NO ACTION' }) song!: Relation<Song>;
      }
      void Entry;
    }
  };
}

function cases(dialect: DialectName, serverUrl: string) {
  const spaces: Space[] = [];
  const space = (name: string) => {
    const s = new Space(dialect, serverUrl, name);
    spaces.push(s);
    return s;
  };
  /** Whether DDL is rolled back with a failed migration. */
  const transactional = dialect !== 'mysql';

  // Each case's schema (PostgreSQL) or database (MariaDB) goes, tables and migration history with it.
  afterAll(() => MigrationSpace.removeAll(spaces, serverUrl));

  it('1. an initial migration of every field type, index and relation leaves nothing to change; createAll agrees with it', async () => {
    const s = space('exact');
    const registry = s.open(everything);
    const result = await s.make(registry);
    expect(result.file).toMatch(/0001_initial\.ts$/);
    expect(new Set(kinds(result))).toEqual(new Set(['createTable']));
    expect(result.operations.map((p) => (p.op as { table: { name: string } }).table.name).sort()).toEqual(
      [TABLES.bigKey, TABLES.every, TABLES.through, TABLES.parent, TABLES.tag, 'dc_node'].sort(),
    );
    expect(result.warnings).toEqual([]);
    expect(await s.migrator(registry).latest()).toEqual(['0001_initial']);
    expect(await s.changes(registry)).toEqual([]);
    expect(await s.changes(registry, { allowDrop: true })).toEqual([]);

    // The literal defaults are the database's own: a row inserted with no values for them gets them.
    const { Parent, Every, Node } = registry.models as Record<string, ModelClass>;
    const parent = await Parent.query.create({ code: 'p1' });
    const knex = await s.knex(registry);
    await knex(s.table(TABLES.every)).insert({ parent_id: parent.pk });
    const [raw] = (await knex(s.table(TABLES.every)).select('*')) as Row[];
    const every = await Every.query.get({ id: raw.id });
    expect([num(raw.count), num(raw.delta), num(raw.big), num(raw.ratio), num(raw.amount), num(raw.rate), raw.title, raw.slug, raw.code, raw.status]).toEqual([
      42,
      -7,
      9007199254740,
      1.5,
      12.5,
      3,
      "it's",
      '',
      'back\\slash "q"\nnext',
      'draft',
    ]);
    expect([truthy(raw.active), truthy(raw.archived)]).toEqual([true, false]);
    const root = await Node.query.create({ name: 'root' });
    const leaf = await Node.query.create({ name: 'leaf', parent: root });
    await root.delete();
    expect((await Node.query.get({ id: leaf.pk })).parent_id).toBeNull();

    // createAll on a fresh database builds the same schema, which the diff then finds clean.
    const other = space('exact-createall');
    const created = other.open(everything);
    await created.connect();
    await created.createAll();
    expect(await other.changes(created)).toEqual([]);
    expect(await other.introspect(created)).toEqual(await s.introspect(registry));

    // Back to nothing (every table goes, rows and the self-reference with them), clean against no models, and forward again.
    await Node.query.create({ name: 'child', parent: leaf });
    await (await registry.models.Tag.query.create({ label: 't' })).everys.add(every);
    expect(await s.migrator(registry).downgrade()).toEqual(['0001_initial']);
    const empty = s.open(() => undefined);
    expect(await s.tableNames(empty)).toEqual([]);
    const none = await s.make(empty, { check: true, allowDrop: true });
    expect(changes({ ...none, pending: [] })).toEqual([]);
    expect(await s.migrator(empty).latest()).toEqual(['0001_initial']);
    expect(await s.changes(s.open(everything))).toEqual([]);
  });

  it('2. a renamed table keeps its rows with --rename; without it the old table stays (drop commented out) and a warning suggests --rename', async () => {
    const s = space('rename');
    const v1 = await initial(s, shelf('dc_shelf'));
    const Shelf = model(v1, 'Shelf');
    const Book = model(v1, 'Book');
    for (let i = 1; i <= 3; i++) {
      const sh = await Shelf.query.create({ code: `S${i}`, label: `Shelf ${i}`, floor: i });
      await Book.query.create({ title: `Book ${i}a`, shelf: sh });
      await Book.query.create({ title: `Book ${i}b`, shelf: sh });
    }
    const rows = async (r: Registry) => ({
      shelves: await s.rows(r, r.models.Shelf.meta.tablename, ['id', 'code', 'label', 'floor']),
      books: (await s.rows(r, 'dc_book', ['id', 'title', 'shelf_id'])).map((b) => ({ ...b, shelf_id: num(b.shelf_id) })),
    });
    await roundTrip(s, {
      from: shelf('dc_shelf'),
      to: shelf('dc_rack'),
      options: { renames: ['dc_shelf:dc_rack'] },
      rows,
      plan: (result) => {
        expect(result.operations).toEqual([{ op: expect.objectContaining({ kind: 'renameTable', to: 'dc_rack' }) }]);
        expect(result.warnings).toEqual([]);
      },
      afterUp: async (r) => {
        // The foreign key follows the renamed table: a book joins its shelf, and the unique code still holds.
        expect(await model(r, 'Book').query.filter({ shelf__code: 'S2' }).count()).toBe(2);
        await expect(model(r, 'Shelf').query.create({ code: 'S1', label: 'dup' })).rejects.toThrow();
        expect(await s.tableNames(r)).toEqual(['dc_book', 'dc_rack']);
      },
    });

    // Without --rename, on a database of a standalone shelf: the new table is created and the old one kept.
    const t = space('rename-without');
    const w1 = await initial(t, shelf('dc_shelf', false));
    await model(w1, 'Shelf').query.create({ code: 'A', label: 'kept' });
    const keptRows = (r: Registry) => t.rows(r, 'dc_shelf', ['id', 'code', 'label']);
    await roundTrip(t, {
      from: shelf('dc_shelf', false),
      to: shelf('dc_rack', false),
      rows: keptRows,
      plan: (result, text) => {
        expect(kinds(result)).toEqual(['createTable']);
        expect(kinds(result, true)).toEqual(['dropTable']);
        expect(result.warnings.join('\n')).toContain('Table dc_shelf is in the database but no model declares it: its drop is written commented out');
        expect(result.warnings.join('\n')).toContain('--rename dc_shelf:dc_rack');
        expect(text).toMatch(/\/\/ await knex\.schema(\.withSchema\('[^']+'\))?\.dropTableIfExists\('dc_shelf'\);/);
      },
      afterUp: async (r) => {
        expect(await t.tableNames(r)).toEqual(['dc_rack', 'dc_shelf']);
        expect(await model(r, 'Shelf').query.count()).toBe(0);
      },
      afterDown: async (r) => expect(await t.tableNames(r)).toEqual(['dc_shelf']),
    });
  });

  it('3. a dropped table is commented out without allowDrop, dropped with it, and re-created (empty) by down', async () => {
    const s = space('drop');
    const v1 = await initial(s, keepAndGone(true));
    const keep = await model(v1, 'Keep').query.create({ name: 'k' });
    await model(v1, 'Gone').query.create({ word: 'w', keep, big: 5 });

    const v2 = s.open(keepAndGone(false));
    const skipped = await s.make(v2);
    expect(skipped.file).toBeUndefined();
    expect(skipped.operations).toEqual([{ op: expect.objectContaining({ kind: 'dropTable' }), skipped: true }]);
    expect(skipped.warnings.join('\n')).toContain('Table dc_gone is in the database but no model declares it');
    expect(s.files()).toEqual(['0001_initial.ts']);
    expect(await s.changes(v2)).toEqual([]);

    const result = await roundTrip(s, {
      from: keepAndGone(true),
      to: keepAndGone(false),
      options: { allowDrop: true },
      checkOptions: { allowDrop: true },
      rows: (r) => s.rows(r, 'dc_keep', ['id', 'name']),
      afterUp: async (r) => expect(await s.tableNames(r)).toEqual(['dc_keep']),
      afterDown: async (r) => {
        // (roundTrip compared the re-created table with the original: the same columns, defaults, indexes, constraints and names.)
        expect(await model(r, 'Gone').query.count()).toBe(0);
        // The re-created table works like the original: defaults, the enum, the unique pair, the foreign key.
        const k = await model(r, 'Keep').query.first();
        const g = await model(r, 'Gone').query.create({ word: 'again', keep: k });
        const fresh = await model(r, 'Gone').query.get({ id: g.pk });
        expect([fresh.kind, Number(fresh.weight), fresh.flag]).toEqual(["b'c", 1.25, false]);
        await expect(model(r, 'Gone').query.create({ word: 'dup', keep: k })).rejects.toThrow();
        await expect(model(r, 'Gone').query.create({ word: 'x', kind: 'a', keep_id: 999 })).rejects.toThrow();
        await g.delete();
      },
    });
    expect(result.operations).toEqual([{ op: expect.objectContaining({ kind: 'dropTable' }) }]);
  });

  it('4. two new tables referencing each other are created in one migration', async () => {
    const s = space('cycle');
    await initial(s, justNotes);
    await roundTrip(s, {
      from: justNotes,
      to: personAndTeam,
      plan: (result) => {
        if (dialect === 'sqlite') {
          // SQLite accepts a reference to a table created later: both constraints are inline.
          expect(kinds(result)).toEqual(['createTable', 'createTable']);
        } else {
          expect(kinds(result)).toEqual(['createTable', 'createTable', 'addForeignKey']);
          const first = result.operations[0].op as { withoutForeignKeys?: string[]; table: { name: string } };
          const closing = result.operations[2].op as { table: { name: string }; foreignKey: { column: string } };
          expect(first.withoutForeignKeys).toEqual([closing.foreignKey.column]);
          expect(closing.table.name).toBe(first.table.name);
        }
      },
      afterUp: async (r) => {
        const Person = model(r, 'Person');
        const Team = model(r, 'Team');
        const ann = await Person.query.create({ name: 'Ann' });
        const team = await Team.query.create({ name: 'Reds', captain: ann });
        ann.favorite = team;
        await ann.save();
        expect(await Person.query.filter({ favorite__captain__name: 'Ann' }).count()).toBe(1);
        // Both constraints hold.
        await expect(Person.query.create({ name: 'Bob', favorite_id: 999 })).rejects.toThrow();
        await expect(Team.query.create({ name: 'Blues', captain_id: 999 })).rejects.toThrow();
      },
    });

    // Dropping both again (rows referencing each other): nothing runs without allowDrop, one migration with it.
    const v2 = s.open(personAndTeam);
    const ann = await model(v2, 'Person').query.create({ name: 'Ann' });
    const team = await model(v2, 'Team').query.create({ name: 'Reds', captain: ann });
    ann.favorite = team;
    await ann.save();
    const kept = await s.make(s.open(justNotes));
    expect(kept.file).toBeUndefined();
    expect(kept.operations.every((p) => p.skipped)).toBe(true);
    await roundTrip(s, {
      from: personAndTeam,
      to: justNotes,
      options: { allowDrop: true },
      checkOptions: { allowDrop: true },
      plan: (result, text) => {
        if (dialect === 'sqlite') {
          expect(kinds(result)).toEqual(['dropTable', 'dropTable']);
          expect(text).toContain("await knex.raw('PRAGMA defer_foreign_keys = ON');");
        } else {
          // The constraint that closed the cycle comes off first; down adds it back once both tables exist.
          expect(kinds(result)).toEqual(['dropForeignKey', 'dropTable', 'dropTable']);
        }
      },
      afterUp: async (r) => expect(await s.tableNames(r)).toEqual(['dc_note']),
      afterDown: async (r) => {
        expect(await s.tableNames(r)).toEqual(['dc_note', 'dc_person', 'dc_team']);
        expect(await model(r, 'Person').query.count()).toBe(0);
        await expect(model(r, 'Person').query.create({ name: 'Bob', favorite_id: 999 })).rejects.toThrow();
        await expect(model(r, 'Team').query.create({ name: 'Blues', captain_id: 999 })).rejects.toThrow();
      },
    });
  });

  it('5. a foreign key going from CASCADE to SET NULL (and nullable) is replaced, and deleting a parent shows it', async () => {
    const s = space('fk');
    const v1 = await initial(s, owners(false));
    for (let i = 1; i <= 2; i++) {
      const owner = await model(v1, 'Owner').query.create({ name: `Owner ${i}` });
      await model(v1, 'Pet').query.create({ name: `Pet ${i}`, owner });
    }
    /** Deletes a new owner of a new pet; resolves to the pet's owner afterwards (undefined: the pet is gone). */
    const orphan = async (r: Registry) => {
      const owner = await model(r, 'Owner').query.create({ name: 'temp' });
      const pet = await model(r, 'Pet').query.create({ name: 'temp pet', owner });
      await owner.delete();
      const left = await model(r, 'Pet').query.filter({ id: pet.pk }).first();
      if (left) await left.delete();
      return left ? left.owner_id : undefined;
    };
    await roundTrip(s, {
      from: owners(false),
      to: owners(true),
      rows: async (r) => (await s.rows(r, 'dc_pet', ['id', 'name', 'owner_id'])).map((p) => ({ ...p, owner_id: num(p.owner_id) })),
      plan: (result) => {
        if (dialect === 'sqlite') {
          expect(kinds(result)).toEqual(['rebuildTable']);
          expect(result.operations[0].op).toMatchObject({ kind: 'rebuildTable', to: { name: 'dc_pet' } });
        } else {
          expect(kinds(result)).toEqual(['dropForeignKey', 'alterColumn', 'addForeignKey']);
          expect(result.operations[2].op).toMatchObject({ foreignKey: { column: 'owner_id', onDelete: 'SET NULL' } });
        }
      },
      afterUp: async (r) => expect(await orphan(r)).toBeNull(),
      afterDown: async (r) => expect(await orphan(r)).toBeUndefined(),
    });
  });

  it('6. removed indexes and uniques are dropped without allowDrop, and down restores them', async () => {
    const s = space('index');
    const v1 = await initial(s, indexed(true));
    const box = await model(v1, 'Box').query.create({ name: 'box' });
    await model(v1, 'Item').query.create({ code: 'c1', title: 't', a: 1, b: 1, c: 1, box });
    await model(v1, 'Item').query.create({ code: 'c2', title: 't', a: 1, b: 2, c: 2, box });
    const duplicate = { code: 'c1', title: 't', a: 1, b: 1, c: 1 };
    await roundTrip(s, {
      from: indexed(true),
      to: indexed(false),
      rows: (r) => s.rows(r, 'dc_item', ['id', 'code', 'title', 'a', 'b', 'c']),
      plan: (result) => {
        if (dialect === 'mysql') {
          // InnoDB will not drop the last index a foreign key uses: the constraint comes off around it.
          expect(kinds(result)).toEqual(['dropForeignKey', 'dropIndex', 'dropIndex', 'dropIndex', 'dropIndex', 'dropIndex', 'addForeignKey']);
        } else {
          expect(new Set(kinds(result))).toEqual(new Set(['dropIndex']));
        }
        expect(kinds(result, true)).toEqual([]);
        const dropped = result.operations.filter((p) => p.op.kind === 'dropIndex').map((p) => p.op as { index: { columns: string[]; unique: boolean } });
        expect(dropped.map((o) => `${o.index.unique ? 'u' : 'i'}:${o.index.columns.join(',')}`).sort()).toEqual([
          'i:a,b',
          'i:box_id',
          'i:title',
          'u:a,c',
          'u:code',
        ]);
      },
      afterUp: async (r) => {
        // Duplicates are accepted now; removed before going back.
        const dup = await model(r, 'Item').query.create({ ...duplicate, box_id: box.pk });
        await dup.delete();
        const indexes = (await s.introspect(r)).find((t) => t.name === 'dc_item')!.indexes;
        expect(indexes).toEqual([]);
      },
      afterDown: async (r) => {
        await expect(model(r, 'Item').query.create({ ...duplicate, box_id: box.pk })).rejects.toThrow();
        await expect(model(r, 'Item').query.create({ ...duplicate, code: 'c9', box_id: box.pk })).rejects.toThrow();
      },
    });

    // And the other way: the same indexes added back by a migration of their own.
    await roundTrip(s, {
      from: indexed(false),
      to: indexed(true),
      rows: (r) => s.rows(r, 'dc_item', ['id', 'code', 'title', 'a', 'b', 'c']),
      plan: (result) => {
        const added = result.operations.filter((p) => p.op.kind === 'addIndex').map((p) => (p.op as { index: { columns: string[] } }).index.columns.join(','));
        expect(added.sort()).toEqual(['a,b', 'a,c', 'box_id', 'code', 'title']);
        // InnoDB drops its own index for the foreign key once keelson's exists, so down could not drop that one.
        expect(kinds(result).filter((k) => k.endsWith('ForeignKey'))).toEqual(dialect === 'mysql' ? ['dropForeignKey', 'addForeignKey'] : []);
      },
      afterUp: async (r) => {
        await expect(model(r, 'Item').query.create({ ...duplicate, box_id: box.pk })).rejects.toThrow();
      },
    });
  });

  it('6b. a unique that existing rows violate fails the migration with a MigrationError (and changes nothing where DDL is transactional)', async () => {
    const s = space('unique-violated');
    const v1 = await initial(s, tickets(false));
    await model(v1, 'Ticket').query.create({ code: 'same' });
    await model(v1, 'Ticket').query.create({ code: 'same' });
    const v2 = s.open(tickets(true));
    const result = await s.make(v2);
    expect(kinds(result).sort()).toEqual(['addColumn', 'addIndex']);
    const before = await s.introspect(v2);
    const error = await s
      .migrator(v2)
      .latest()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migration).toMatch(/^0002_/);
    expect(await s.migrator(v2).applied()).toEqual(['0001_initial']);
    if (transactional) {
      expect(await s.introspect(v2)).toEqual(before);
      expect(await s.changes(s.open(tickets(false)))).toEqual([`pending ${(error as MigrationError).migration}`]);
      // With the duplicate gone the same migration applies.
      await model(v1, 'Ticket').query.filter({ id: 2 }).delete();
      expect(await s.migrator(v2).latest()).toEqual([(error as MigrationError).migration]);
      expect(await s.changes(s.open(tickets(true)))).toEqual([]);
    } else {
      expect((error as Error).message).toContain('cannot roll back DDL');
    }
  });

  it('7. type changes: integer→bigint, string→text, text→string(20) with a warning, decimal size, enum choices', async () => {
    const s = space('types');
    const v1 = await initial(s, typed('before'));
    await model(v1, 'Typed').query.create({ count: 7, name: 'seven', body: 'short body', price: '12.50', status: 'b' });
    await model(v1, 'Typed').query.create({ count: -3, name: 'x'.repeat(50), body: null, price: '99999999.99', status: 'a' });
    const rows = async (r: Registry) =>
      (await s.rows(r, 'dc_typed', ['id', 'count', 'name', 'body', 'price', 'status'])).map((row) => ({
        ...row,
        count: num(row.count),
        price: num(row.price),
      }));
    const result = await roundTrip(s, {
      from: typed('before'),
      to: typed('after'),
      rows,
      plan: (plan) => {
        const warnings = plan.warnings.join('\n');
        expect(warnings).toContain('dc_typed.body: type');
        expect(warnings).toContain('-> string(20): every row of "dc_typed" fits today; the migration checks again');
        expect(warnings).not.toContain('dc_typed.count');
        expect(warnings).not.toContain('dc_typed.name');
        if (dialect === 'sqlite') {
          expect(kinds(plan)).toEqual(['rebuildTable']);
          const changed = (plan.operations[0].op as { changes: string[] }).changes.join('\n');
          expect(changed).toContain('dc_typed.count');
          expect(changed).not.toContain('dc_typed.price');
        } else {
          const altered = plan.operations.map((p) => (p.op as { to: { name: string } }).to.name).sort();
          expect(altered).toEqual(['body', 'count', 'name', 'price', 'status']);
        }
      },
      afterUp: async (r) => {
        const Typed = model(r, 'Typed');
        const big = await Typed.query.create({ count: 5_000_000_000, name: 'n'.repeat(300), body: 'b'.repeat(20), price: '12345678.1234', status: "c'd" });
        const back = (await s.rows(r, 'dc_typed', ['count', 'name', 'price', 'status'], 'id')).pop()!;
        expect([num(back.count), (back.name as string).length, num(back.price), back.status]).toEqual([5_000_000_000, 300, 12345678.1234, "c'd"]);
        const question = await Typed.query.create({ count: 1, name: 'q', price: '1', status: 'e?' });
        await question.delete();
        await expect(Typed.query.create({ count: 1, name: 'n', price: '1', status: 'e$1' })).rejects.toThrow();
        await expect(Typed.query.create({ count: 1, name: 'n', body: 'b'.repeat(21), price: '1', status: 'a' })).rejects.toThrow();
        await big.delete();
      },
    });
    expect(result.file).toBeDefined();

    if (dialect === 'sqlite') {
      // SQLite keeps no decimal size: a change of it alone is nothing to migrate.
      const t = space('types-decimal');
      await initial(t, typed('before'));
      expect(await t.changes(t.open(typed('decimal only')))).toEqual([]);
    }
  });

  it('8. a column becoming NOT NULL while holding NULLs needs --fill, which replaces them', async () => {
    const s = space('fill');
    const v1 = await initial(s, members(false));
    const Member = model(v1, 'Member');
    await Member.query.create({ name: 'a', nick: 'ace', rank: 1 });
    await Member.query.create({ name: 'b', nick: null, rank: null });
    await Member.query.create({ name: 'c', nick: 'cat', rank: null });

    const v2 = s.open(members(true));
    const refused = await s.make(v2).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigurationError);
    expect((refused as Error).message).toContain('dc_member.nick becomes NOT NULL but holds NULLs: pass --fill dc_member.nick=<value>');
    expect((refused as Error).message).toContain('--fill dc_member.rank=<value>');
    const bad = await s.make(v2, { fill: ['dc_member.nick=anon', 'dc_member.rank=high'] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigurationError);
    expect((bad as Error).message).toContain('"high" is not a number (the column is integer)');
    expect(s.files()).toEqual(['0001_initial.ts']);

    const filled = [
      { id: 1, name: 'a', nick: 'ace', rank: 1 },
      { id: 2, name: 'b', nick: 'it\'s "anon"', rank: 0 },
      { id: 3, name: 'c', nick: 'cat', rank: 0 },
    ];
    const rows = async (r: Registry): Promise<Row[]> =>
      (await s.rows(r, 'dc_member', ['id', 'name', 'nick', 'rank'])).map((row) => ({ ...row, id: num(row.id), rank: num(row.rank) }));
    const result = await roundTrip(s, {
      from: members(false),
      to: members(true),
      options: { fill: ['dc_member.nick=it\'s "anon"', 'dc_member.rank=0'] },
      rows: async (r) => (await rows(r)).map((m) => m.name),
      plan: (plan) => expect(plan.warnings).toEqual([]),
      afterUp: async (r) => {
        expect(await rows(r)).toEqual(filled);
        await expect(model(r, 'Member').query.create({ name: 'd', nick: null, rank: 1 })).rejects.toThrow();
      },
      afterDown: async (r) => {
        // The filled values stay; NULLs are allowed again.
        expect(await rows(r)).toEqual(filled);
        const m = await model(r, 'Member').query.create({ name: 'd', nick: null, rank: null });
        await m.delete();
      },
    });
    expect(result.file).toBeDefined();
  });

  it('9. tables the registry does not own (migration bookkeeping, reflected tables) get no operations', async () => {
    for (const options of [{}, { migrations: { tableName: 'dc_history' } }]) {
      const s = space('foreign');
      // A table made by hand, which a reflected model reads.
      const setup = s.open(() => undefined);
      const knex = await s.knex(setup);
      if (s.schema) await setup.databaseFor('default').driver.createSchema(knex, s.schema, true);
      await (s.schema ? knex.schema.withSchema(s.schema) : knex.schema).createTable('dc_legacy', (t) => {
        t.increments('id');
        t.string('title', 50).notNullable();
        t.integer('extra').nullable();
      });
      await knex(s.table('dc_legacy')).insert({ title: 'old' });
      // Tables a pattern model turns into reflected models.
      for (const name of ['dc_log_1', 'dc_log_2']) {
        await (s.schema ? knex.schema.withSchema(s.schema) : knex.schema).createTable(name, (t) => {
          t.increments('id');
          t.text('message');
        });
      }

      const registry = s.open(withLegacy, options);
      const result = await s.make(registry, { allowDrop: true });
      expect(result.operations.map((p) => describeOp(p.op))).toEqual([`create table ${s.schema ? `${s.schema}.` : ''}dc_fresh`]);
      expect(result.warnings).toEqual([]);
      expect(await s.migrator(registry).latest()).toEqual(['0001_initial']);
      const bookkeeping = 'migrations' in options ? 'dc_history' : 'keelson_migrations';
      const live = async () => (await registry.databaseFor('default').driver.introspect(knex, s.schema)).map((t) => t.name).sort();
      expect(await live()).toEqual([bookkeeping, `${bookkeeping}_lock`, 'dc_fresh', 'dc_legacy', 'dc_log_1', 'dc_log_2'].sort());
      expect(Object.keys(registry.reflected).sort()).toEqual(['Legacy', 'Log_dc_log_1', 'Log_dc_log_2']);
      // Neither the bookkeeping tables nor the reflected table show up, not even as skipped drops.
      const again = await s.make(registry, { check: true, allowDrop: true });
      expect(again.operations).toEqual([]);
      expect(again.warnings).toEqual([]);
      expect(await s.changes(registry, { allowDrop: true })).toEqual([]);
      expect((await (registry.reflected.Legacy as ModelClass).query.first()).title).toBe('old');
      // Down drops what up created and nothing else.
      expect(await s.migrator(registry).downgrade()).toEqual(['0001_initial']);
      expect(await live()).toEqual([bookkeeping, `${bookkeeping}_lock`, 'dc_legacy', 'dc_log_1', 'dc_log_2'].sort());
      expect(await s.migrator(registry).latest()).toEqual(['0001_initial']);
      expect(await s.changes(s.open(withLegacy, options), { allowDrop: true })).toEqual([]);
    }
  });

  it('9b. a composite primary key of two foreign keys (a join table) is created as one, is clean, and survives a change (an SQLite rebuild) and its down', async () => {
    const s = space('composite');
    const v1 = await initial(s, playlists(false));
    const entry = (await s.introspect(v1)).find((t) => t.name === 'dc_entry')!;
    expect(entry.columns.filter((c) => c.primaryKey).map((c) => c.name)).toEqual(['list_id', 'song_id']);
    expect(entry.foreignKeys.map((fk) => `${fk.column}->${fk.table}`)).toEqual(['list_id->dc_list', 'song_id->dc_song']);
    expect(entry.indexes.map((i) => i.name)).toEqual(['dc_entry_by_song']);
    const [List, Song, Entry] = ['List', 'Song', 'Entry'].map((name) => model(v1, name));
    const list = await List.query.create({ name: 'mix' });
    const [a, b, c] = [await Song.query.create({ title: 'a' }), await Song.query.create({ title: 'b' }), await Song.query.create({ title: 'c' })];
    await list.songs.add(a, b, c);
    expect(await list.songs.count()).toBe(3);
    // The key refuses the same pair twice; an instance is deleted by its whole key, never by its first column.
    await expect(Entry.query.create({ list, song: a })).rejects.toThrow();
    await (await Entry.query.get({ list: list.pk, song: c.pk })).delete();
    expect(await Song.query.filter({ lists__name: 'mix' }).orderBy('title').valuesList('title', { flat: true })).toEqual(['a', 'b']);
    await roundTrip(s, {
      from: playlists(false),
      to: playlists(true),
      options: { fill: ['dc_entry.position=0'] },
      rows: async (r) => (await s.rows(r, 'dc_entry', ['list_id', 'song_id'], 'song_id')).map((e) => ({ list_id: num(e.list_id), song_id: num(e.song_id) })),
      plan: (result) => expect(kinds(result)).toEqual([dialect === 'sqlite' ? 'rebuildTable' : 'addColumn']),
      afterUp: async (r) => {
        const live = (await s.introspect(r)).find((t) => t.name === 'dc_entry')!;
        expect(live.columns.filter((col) => col.primaryKey).map((col) => col.name)).toEqual(['list_id', 'song_id']);
        expect(live.foreignKeys.map((fk) => `${fk.column}->${fk.table}:${fk.onDelete}`)).toEqual(['list_id->dc_list:CASCADE', 'song_id->dc_song:NO ACTION']);
        await expect(model(r, 'Entry').query.create({ list_id: list.pk, song_id: a.pk, position: 1 })).rejects.toThrow();
        // bulkUpdate addresses each row by its whole key too.
        const entries = await model(r, 'Entry').query.filter({ list: list.pk }).orderBy('song');
        entries.forEach((e: { position: number }, i: number) => (e.position = i + 1));
        expect(await model(r, 'Entry').query.bulkUpdate(entries, ['position'])).toBe(2);
        expect((await s.rows(r, 'dc_entry', ['song_id', 'position'], 'song_id')).map((e) => [num(e.song_id), num(e.position)])).toEqual([
          [a.pk, 1],
          [b.pk, 2],
        ]);
      },
    });
  });

  it('10. generated migration files type-check under strict TypeScript', async () => {
    const s = space('typecheck');
    const v1 = await initial(s, assorted(false));
    const author = await model(v1, 'Author').query.create({ name: 'a' });
    await model(v1, 'Article').query.create({ title: 'one', body: 'b', views: null, author });
    const v2 = s.open(assorted(true));
    const second = await s.make(v2, { renames: ['dc_article.title:headline'], fill: ['dc_article.views=0', 'dc_article.rating=3'], allowDrop: true });
    expect(second.file).toMatch(/0002_/);
    expect(await s.migrator(v2).latest()).toEqual([expect.stringMatching(/^0002_/)]);
    expect(await s.changes(v2, { allowDrop: true })).toEqual([]);
    expect(await s.migrator(v2).downgrade()).toEqual([expect.stringMatching(/^0002_/)]);
    expect(changes({ ...(await s.make(s.open(assorted(false)), { check: true })), pending: [] })).toEqual([]);

    // Every file this suite generated, in every case.
    const files = spaces.flatMap((sp) => sp.files().map((f) => join(sp.dir, 'default', f)));
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(typeCheck(files)).toEqual([]);
  });
}

describe('schema diff edge cases', () => {
  describe('on SQLite', () => cases('sqlite', 'sqlite'));
  describeWithServer('on PostgreSQL', PG_URL, () => cases('postgres', PG_URL));
  describeWithServer('on MariaDB', MYSQL_URL, () => cases('mysql', MYSQL_URL));
});
