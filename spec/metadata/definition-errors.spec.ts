import 'reflect-metadata';
import * as ts from 'typescript';
import * as keelson from '../../lib';
import { BaseModel, Field, ForeignKey, ManyToMany, Model, ModelDefinitionError, OneToOne, PrimaryKey, Registry } from '../../lib';

/**
 * Compiles `source` as a user's project would (`ts.transpileModule` with the given tsconfig options) and
 * runs it against the real keelson modules; `import { registry } from './registry'` gives `registry`.
 */
function run(source: string, options: ts.CompilerOptions, registry: Registry): Record<string, any> {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, ...options },
  });
  const module = { exports: {} as Record<string, any> };
  const modules: Record<string, unknown> = { keelson, './registry': { registry } };
  const load = (id: string) => {
    if (!(id in modules)) throw new Error(`unexpected import ${id}`);
    return modules[id];
  };
  new Function('require', 'module', 'exports', outputText)(load, module, module.exports);
  return module.exports;
}

const LEGACY: ts.CompilerOptions = { experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false };

/** What a thrown error says (fails the test when nothing is thrown). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('no design:type metadata at all', () => {
  const source = `
    import { BaseModel, Field, Model } from 'keelson';
    import { registry } from './registry';
    @Model({ registry })
    export class Account extends BaseModel {
      @Field() email!: string;
      @Field({ nullable: true }) visits?: number;
    }
  `;

  it('names emitDecoratorMetadata and both fixes when the compiler emitted no metadata', () => {
    const error = thrown(() => run(source, { ...LEGACY, emitDecoratorMetadata: false }, new Registry('sqlite::memory:')));
    expect(error).toBeInstanceOf(ModelDefinitionError);
    expect(error.message).toContain('Account.email: no design:type metadata');
    expect(error.message).toContain('the compiler did not emit decorator metadata');
    expect(error.message).toContain('"emitDecoratorMetadata": true');
    expect(error.message).toContain("@Field({ type: 'string' })");
    expect(error.message).toContain('esbuild-based runners');
    expect(error.message).not.toContain('union');
  });

  it('declares the same model when the compiler emits metadata', () => {
    const registry = new Registry('sqlite::memory:');
    const { Account } = run(source, LEGACY, registry);
    expect(Account.meta.fields.get('email').type).toBe('string');
    expect(Account.meta.fields.get('visits').type).toBe('integer');
  });

  it('is the same for decorators applied by hand, and stating every type is enough', () => {
    const registry = new Registry('sqlite::memory:');
    class Bare extends BaseModel {}
    Field()(Bare.prototype, 'title');
    expect(() => Model({ registry })(Bare)).toThrow('Bare.title: no design:type metadata for any decorated property of Bare');

    class Typed extends BaseModel {}
    Field({ type: 'string' })(Typed.prototype, 'title');
    Field({ choices: ['a', 'b'] })(Typed.prototype, 'grade');
    Model({ registry })(Typed);
    expect(registry.getModel('Typed').meta.fields.get('title')!.type).toBe('string');
  });

  it('keeps blaming unions and cycles when metadata was emitted with an undefined type', () => {
    const registry = new Registry('sqlite::memory:');
    class Cyclic extends BaseModel {}
    // What `__metadata("design:type", Imported)` records when Imported is still undefined (a circular import).
    Reflect.defineMetadata('design:type', undefined, Cyclic.prototype, 'owner');
    Field()(Cyclic.prototype, 'owner');
    const error = thrown(() => Model({ registry })(Cyclic));
    expect(error).toBeInstanceOf(ModelDefinitionError);
    expect(error.message).toContain('a union type, or a class imported in a cycle');
    expect(error.message).not.toContain('did not emit');
  });
});

describe('useDefineForClassFields: true', () => {
  /** `fields`: plain declared properties (`email!: string`); `declared`: `declare email: string`. */
  const source = (style: 'fields' | 'declared') => {
    const d = style === 'declared' ? 'declare ' : '';
    const bang = style === 'declared' ? '' : '!';
    return `
      import { BaseModel, Field, ForeignKey, Model } from 'keelson';
      import type { Relation } from 'keelson';
      import { registry } from './registry';
      @Model({ registry })
      export class Member extends BaseModel {
        @Field({ maxLength: 120 }) ${d}email${bang}: string;
      }
      @Model({ registry })
      export class Entry extends BaseModel {
        @Field() ${d}title${bang}: string;
        @ForeignKey('Member') ${d}member${bang}: Relation<Member>;
      }
    `;
  };

  it('refuses the first construction, naming Class.property and the flag, instead of "may not be null"', async () => {
    const registry = new Registry('sqlite::memory:');
    const { Member, Entry } = run(source('fields'), { ...LEGACY, useDefineForClassFields: true }, registry);
    try {
      await registry.createAll();
      const error = await Member.query.create({ email: 'ada@example.com' }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(ModelDefinitionError);
      expect(error.message).toContain('Member.email');
      expect(error.message).toContain('"useDefineForClassFields": false');
      expect(error.message).toContain('declare email');
      // Every later construction too, not only the first.
      expect(() => new Member({ email: 'ada@example.com' })).toThrow('Member.email is a class field');
      expect(() => new Entry()).toThrow('Entry.title is a class field');
      // Reading needs no constructor: rows still load.
      await registry.database.knex(Member.meta.tablename).insert({ email: 'raw@example.com' });
      expect((await Member.query.get({ email: 'raw@example.com' })).email).toBe('raw@example.com');
    } finally {
      await registry.disconnect();
    }
  });

  it('finds a relation property that shadows its accessor', () => {
    const registry = new Registry('sqlite::memory:');
    class Writer extends BaseModel {}
    Field({ type: 'string' })(Writer.prototype, 'name');
    Model({ registry })(Writer);
    class Shadowed extends BaseModel {
      constructor(values?: Record<string, unknown>) {
        super(values);
        // Exactly what a class field `writer;` compiles to under define semantics.
        Object.defineProperty(this, 'writer', { value: undefined, writable: true, enumerable: true, configurable: true });
      }
    }
    ForeignKey('Writer')(Shadowed.prototype, 'writer');
    Model({ registry })(Shadowed);
    expect(() => new Shadowed({ writer: 1 })).toThrow(/Shadowed\.writer .*"useDefineForClassFields": false/s);
  });

  it('accepts `declare` properties, and a model compiled with the flag off creates rows', async () => {
    const declared = new Registry('sqlite::memory:');
    const { Member, Entry } = run(source('declared'), { ...LEGACY, useDefineForClassFields: true }, declared);
    const legacy = new Registry('sqlite::memory:');
    const plain = run(source('fields'), LEGACY, legacy);
    try {
      for (const [registry, M, E] of [
        [declared, Member, Entry],
        [legacy, plain.Member, plain.Entry],
      ] as const) {
        await registry.createAll();
        const member = await M.query.create({ email: 'ada@example.com' });
        const entry = await E.query.create({ title: 'Engines', member });
        expect((await E.query.get({ pk: entry.pk })).member_id).toBe(member.pk);
        expect(member.email).toBe('ada@example.com');
      }
    } finally {
      await declared.disconnect();
      await legacy.disconnect();
    }
  });

  it('leaves a constructor that needs arguments alone (nothing can be seen then)', () => {
    const registry = new Registry('sqlite::memory:');
    class Strict extends BaseModel {
      constructor(values: Record<string, unknown>) {
        super(values);
        if (!values) throw new TypeError('values required');
      }
    }
    Field({ type: 'string' })(Strict.prototype, 'name');
    Model({ registry })(Strict);
    expect((new Strict({ name: 'x' }) as unknown as { name: string }).name).toBe('x');
  });
});

describe('experimentalDecorators off (TC39 standard decorators)', () => {
  it('names the flag, the decorator and the property instead of a TypeError', () => {
    const source = `
      import { BaseModel, Field, Model } from 'keelson';
      import { registry } from './registry';
      @Model({ registry })
      export class Visitor extends BaseModel {
        @Field() email!: string;
      }
    `;
    const error = thrown(() => run(source, { experimentalDecorators: false, emitDecoratorMetadata: false }, new Registry('sqlite::memory:')));
    expect(error).toBeInstanceOf(ModelDefinitionError);
    expect(error.message).toContain('@Field() on property email');
    expect(error.message).toContain("keelson's decorators need `experimentalDecorators: true` (and `emitDecoratorMetadata: true`) in tsconfig.json");
  });

  it('is checked by every decorator', () => {
    const field = { kind: 'field', name: 'author' };
    const cases: [string, () => unknown][] = [
      ['@Model() on class Visitor', () => (Model() as any)(class Visitor {}, { kind: 'class', name: 'Visitor' })],
      ['@Field() on property author', () => (Field() as any)(undefined, field)],
      ['@PrimaryKey() on property author', () => (PrimaryKey() as any)(undefined, field)],
      ['@ForeignKey() on property author', () => (ForeignKey('User') as any)(undefined, field)],
      ['@OneToOne() on property author', () => (OneToOne('User') as any)(undefined, field)],
      ['@ManyToMany() on property author', () => (ManyToMany('User') as any)(undefined, field)],
    ];
    for (const [expected, call] of cases) {
      const error = thrown(call);
      expect(error).toBeInstanceOf(ModelDefinitionError);
      expect(error.message).toContain(expected);
      expect(error.message).toContain('experimentalDecorators: true');
    }
  });
});
