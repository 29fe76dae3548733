import {
  AutoReflectModel,
  BaseModel,
  ConfigurationError,
  Database,
  Field,
  ForeignKey,
  LookupError,
  ManyRelation,
  ManyToMany,
  Model,
  ModelDefinitionError,
  OneToOne,
  PrimaryKey,
  ReflectModel,
  Registry,
  Relation,
  getDefaultRegistry,
  logger,
} from '../../lib';

describe('Registry collections and lookups', () => {
  it('getModel finds declared models and throws LookupError with the exact message otherwise', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class User extends BaseModel {
      @Field() name!: string;
    }
    expect(registry.getModel('User')).toBe(User);
    expect(registry.models).toEqual({ User });
    expect(() => registry.getModel('Nope')).toThrow(LookupError);
    expect(() => registry.getModel('Nope')).toThrow("Registry doesn't have a Nope model.");
  });

  it('getModel suggests the closest names: typos, transpositions, case; declared, reflected and pattern models', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class User extends BaseModel {
      @Field() name!: string;
    }
    @Model({ registry })
    class Users extends BaseModel {}
    @Model({ registry })
    class Order extends BaseModel {}
    @Model({ registry, reflect: true, tablename: 'legacy_orders' })
    class LegacyOrder extends ReflectModel {}
    @Model({ registry, pattern: { include: /^log_/ } })
    class Logs extends AutoReflectModel {}
    expect([User, Users, Order, LegacyOrder, Logs].every((m) => m.meta)).toBe(true);
    const message = (name: string, options?: Parameters<Registry['getModel']>[1]) => {
      try {
        registry.getModel(name, options);
      } catch (error) {
        expect(error).toBeInstanceOf(LookupError);
        return (error as Error).message;
      }
      throw new Error(`getModel(${name}) did not throw`);
    };
    expect(message('Usr')).toBe("Registry doesn't have a Usr model. Did you mean User or Users?");
    expect(message('Uesr')).toBe("Registry doesn't have a Uesr model. Did you mean User or Users?");
    expect(message('user')).toBe("Registry doesn't have a user model. Did you mean User or Users?");
    expect(message('ORDERS')).toBe("Registry doesn't have a ORDERS model. Did you mean Order?");
    expect(message('LegacyOrdr')).toBe("Registry doesn't have a LegacyOrdr model. Did you mean LegacyOrder?");
    expect(message('LegacyOrdr', { includeReflected: false })).toBe("Registry doesn't have a LegacyOrdr model.");
    expect(message('Log')).toBe("Registry doesn't have a Log model.");
    expect(message('Log', { includePattern: true })).toBe("Registry doesn't have a Log model. Did you mean Logs?");
    expect(message('Invoice')).toBe("Registry doesn't have a Invoice model.");
    // Names inherited from Object.prototype are not models.
    expect(message('constructor')).toContain("Registry doesn't have a constructor model.");
  });

  it('getModel on a registry without models says so', () => {
    const registry = new Registry('sqlite::memory:');
    expect(() => registry.getModel('User')).toThrow(
      "Registry doesn't have a User model. It has no models: were the model files imported before getModel was called?",
    );
  });

  it('deleteModel removes a model and reports whether it existed', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Thing extends BaseModel {
      @Field() name!: string;
    }
    expect(registry.getTablenames()).toEqual(new Set(['things']));
    expect(registry.deleteModel('Thing')).toBe(true);
    expect(registry.deleteModel('Thing')).toBe(false);
    expect(() => registry.getModel('Thing')).toThrow(LookupError);
    expect(registry.metadata.tables.has('things')).toBe(false);
    expect(Thing.meta.name).toBe('Thing');
  });

  it('refuses two models with one name', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Dup extends BaseModel {}
    expect(Dup.meta.tablename).toBe('dups');
    expect(() => {
      @Model({ registry, name: 'Dup' })
      class Other extends BaseModel {}
      return Other;
    }).toThrow(/already registered/);
  });

  it('registerCallback runs now when the model exists, later otherwise; one-time callbacks run once', () => {
    const registry = new Registry('sqlite::memory:');
    const seen: string[] = [];
    registry.registerCallback('Late', (m) => seen.push(`once:${m.name}`), { oneTime: true });
    registry.registerCallback('Late', (m) => seen.push(`always:${m.name}`));
    expect(seen).toEqual([]);
    @Model({ registry })
    class Late extends BaseModel {}
    expect(seen).toEqual(['once:Late', 'always:Late']);
    registry.executeModelCallbacks(Late);
    expect(seen).toEqual(['once:Late', 'always:Late', 'always:Late']);
    registry.registerCallback(Late, (m) => seen.push(`now:${m.name}`), { oneTime: true });
    expect(seen[seen.length - 1]).toBe('now:Late');
    registry.executeModelCallbacks(Late);
    expect(seen.filter((s) => s === 'now:Late')).toHaveLength(1);
  });

  it('extraNameCheck accepts names, warns about whitespace and rejects empty or non-strings', () => {
    const registry = new Registry('sqlite::memory:');
    const errors: string[] = [];
    const warnings: string[] = [];
    const { error, warn } = logger;
    logger.error = (m) => errors.push(m);
    logger.warn = (m) => warnings.push(m);
    try {
      expect(registry.extraNameCheck('analytics')).toBe(true);
      expect(registry.extraNameCheck(' spaced ')).toBe(true);
      expect(warnings[0]).toMatch(/whitespace/);
      expect(registry.extraNameCheck('')).toBe(false);
      expect(registry.extraNameCheck(42)).toBe(false);
      expect(errors).toHaveLength(2);
      expect(() => new Registry('sqlite::memory:', { extra: { default: 'sqlite::memory:' } })).toThrow(ConfigurationError);
      expect(() => new Registry('sqlite::memory:', { extra: { '': 'sqlite::memory:' } })).toThrow(ConfigurationError);
    } finally {
      logger.error = error;
      logger.warn = warn;
    }
  });

  it('the default registry lives on globalThis under a Symbol.for key', () => {
    const registry = getDefaultRegistry();
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('keelson:default-registry')]).toBe(registry);
    expect(getDefaultRegistry()).toBe(registry);
    @Model()
    class GlobalThing extends BaseModel {}
    expect(registry.getModel('GlobalThing')).toBe(GlobalThing);
    expect(registry.database.dialect).toBe('sqlite');
    // A second copy of the package (its own module instances) sees the same registry.
    let other: typeof getDefaultRegistry | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      other = require('../../lib').getDefaultRegistry;
    });
    expect(other).not.toBe(getDefaultRegistry);
    expect(other!()).toBe(registry);
  });
});

describe('Model declarations', () => {
  it('default table names, automatic id, tablePrefix and abstract inheritance', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry, abstract: true, tablePrefix: 'app' })
    class Stamped extends BaseModel {
      @Field({ type: 'datetime', nullable: true }) createdAt?: Date;
    }
    @Model({ registry })
    class Article extends Stamped {
      @Field({ maxLength: 80 }) title!: string;
    }
    @Model({ registry, tablename: 'explicit' })
    class Named extends BaseModel {
      @PrimaryKey({ type: 'uuid' }) code!: string;
    }
    expect(registry.models).toEqual({ Article, Named });
    expect(Article.meta.tablename).toBe('app_articles');
    expect([...Article.meta.fields.keys()]).toEqual(['id', 'createdAt', 'title']);
    expect(Article.meta.pkName).toBe('id');
    expect(Article.meta.fields.get('id')).toMatchObject({ type: 'integer', primaryKey: true, autoincrement: true });
    expect(Named.meta.tablename).toBe('explicit');
    expect(Named.meta.pkName).toBe('code');
    expect(Named.meta.fields.get('code')).toMatchObject({ type: 'uuid', autoincrement: false });
    expect(Stamped.meta.abstract).toBe(true);
    expect(registry.getTablenames()).toEqual(new Set(['app_articles', 'explicit']));
  });

  it('infers types from design:type and names Class.property with the fix when it cannot', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Typed extends BaseModel {
      @Field() s!: string;
      @Field() n!: number;
      @Field() b!: boolean;
      @Field() d!: Date;
      @Field() buf!: Buffer;
      @Field({ choices: ['a', 'b'] }) kind!: string;
    }
    const types = Object.fromEntries([...Typed.meta.fields.values()].map((f) => [f.name, f.type]));
    expect(types).toEqual({ id: 'integer', s: 'string', n: 'integer', b: 'boolean', d: 'datetime', buf: 'binary', kind: 'enum' });
    const declare = () => {
      @Model({ registry })
      class Bad extends BaseModel {
        @Field() settings!: Record<string, unknown>;
      }
      return Bad;
    };
    expect(declare).toThrow(ModelDefinitionError);
    expect(declare).toThrow(/Bad\.settings: .*type: 'json'/);
    const union = () => {
      @Model({ registry })
      class Union extends BaseModel {
        @Field() value!: string | number;
      }
      return Union;
    };
    expect(union).toThrow(/Union\.value/);
    expect(() => registry.getModel('Bad')).toThrow(LookupError);
  });

  it('validates options when the class is declared', () => {
    const registry = new Registry('sqlite::memory:');
    expect(() => {
      @Model({ registry })
      class A extends BaseModel {
        @ForeignKey('B', { onDelete: 'SET NULL' }) b!: unknown;
      }
      return A;
    }).toThrow(/A\.b: SET NULL needs a nullable foreign key/);
    expect(() => {
      @Model({ registry })
      class C extends BaseModel {
        @Field() id!: number;
      }
      return C;
    }).toThrow(/C\.id/);
    expect(() => {
      @Model({ registry, uniqueTogether: [['nope']] })
      class D extends BaseModel {
        @Field() name!: string;
      }
      return D;
    }).toThrow(/uniqueTogether names "nope"/);
    expect(() => {
      @Model({ registry, database: 'missing' })
      class E extends BaseModel {}
      return E;
    }).toThrow(/database "missing"/);
    expect(() => {
      @Model({ registry, tablename: 'bad name; drop table x' })
      class F extends BaseModel {}
      return F;
    }).toThrow(/not a valid identifier/);
    expect(() => {
      @Model({ registry })
      class G extends BaseModel {
        @Field({ type: 'datetime', precision: 7 }) at!: Date;
      }
      return G;
    }).toThrow(/G\.at: a datetime's precision is its fractional-second digits, 0 to 6/);
    expect(() => {
      @Model({ registry })
      class H extends BaseModel {
        @Field({ type: 'date', timezone: false }) on!: Date;
      }
      return H;
    }).toThrow(/H\.on: timezone applies to datetime fields only/);
  });

  it('takes several primary key fields (foreign keys among them) as a composite key, which nothing may reference', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Left extends BaseModel {
      @Field() name!: string;
    }
    @Model({ registry })
    class Pair extends BaseModel {
      @ForeignKey(() => Left, { primaryKey: true }) left!: unknown;
      @PrimaryKey() slot!: number;
      @Field() note!: string;
    }
    expect(Pair.meta.pkName).toBe('left');
    expect(Pair.meta.compositeKey).toEqual(['left', 'slot']);
    // A composite key does not auto-increment: the integer key field's implicit autoincrement is off.
    expect(Pair.meta.fields.get('slot')).toMatchObject({ primaryKey: true, autoincrement: false });
    expect(Pair.meta.fields.get('left')).toMatchObject({ primaryKey: true, nullable: false, column: 'left_id' });
    expect(
      registry.metadata.tables
        .get('pairs')!
        .columns.filter((c) => c.primaryKey)
        .map((c) => c.name),
    ).toEqual(['left_id', 'slot']);
    expect(() => {
      @Model({ registry })
      class Auto extends BaseModel {
        @PrimaryKey({ autoincrement: true }) a!: number;
        @PrimaryKey() b!: number;
      }
      return Auto;
    }).toThrow(/Auto\.a: a composite primary key \(a, b\) cannot auto-increment/);
    expect(() => {
      @Model({ registry })
      class Maybe extends BaseModel {
        @ForeignKey(() => Left, { primaryKey: true, nullable: true }) left!: unknown;
      }
      return Maybe;
    }).toThrow(/Maybe\.left: a primary key cannot be nullable/);
    expect(() => {
      @Model({ registry })
      class Pointer extends BaseModel {
        @ForeignKey(() => Pair) pair!: unknown;
      }
      return Pointer;
    }).toThrow(/Pointer\.pair: Pair has a composite primary key \(left, slot\); a foreign key cannot reference part of it/);
  });
});

describe('Relations and deferred resolution', () => {
  it('resolves string references declared in any order and installs reverse accessors', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Comment extends BaseModel {
      @ForeignKey('Post', { onDelete: 'CASCADE' }) post!: Relation<Post>;
    }
    @Model({ registry })
    class Post extends BaseModel {
      @ForeignKey('Writer', { relatedName: 'posts' }) author!: Relation<Writer>;
    }
    @Model({ registry })
    class Writer extends BaseModel {
      @Field() name!: string;
    }
    expect(Comment.meta.fields.get('post')).toMatchObject({
      column: 'post_id',
      type: 'integer',
      relation: { target: Post, onDelete: 'CASCADE', onUpdate: 'CASCADE' },
    });
    expect(Post.meta.fields.get('author')!.relation).toMatchObject({ target: Writer, onDelete: 'RESTRICT' });
    expect([...Writer.meta.reverse.keys()]).toEqual(['posts']);
    expect([...Post.meta.reverse.keys()]).toEqual(['comments_set']);
    const table = registry.metadata.tables.get('comments')!;
    expect(table.foreignKeys).toEqual([expect.objectContaining({ column: 'post_id', table: 'posts', references: 'id', onDelete: 'CASCADE' })]);
  });

  it('an unresolved name fails when metadata is built, naming the field and the missing model', async () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Orphan extends BaseModel {
      @ForeignKey('Ghost') ghost!: unknown;
    }
    expect(Orphan.meta.fields.get('ghost')!.relation!.target).toBeUndefined();
    expect(() => registry.metadata).toThrow(ModelDefinitionError);
    expect(() => registry.metadata).toThrow(/Orphan\.ghost points at "Ghost"/);
    // A query fails the same way, before any SQL.
    await expect(Orphan.query.count()).rejects.toThrow(ModelDefinitionError);
  });

  it('accepts classes and thunks as targets; circular entity imports work', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Author } = require('../fixtures/circular/author');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Book } = require('../fixtures/circular/book');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { registry } = require('../fixtures/circular/registry');
    registry.initModels();
    expect(Book.meta.fields.get('author').relation.target).toBe(Author);
    expect(Author.meta.fields.get('favourite').relation.target).toBe(Book);
    expect([...Author.meta.reverse.keys()]).toEqual(['books']);
    expect([...Book.meta.reverse.keys()]).toEqual(['favourited_by']);
  });

  it('refuses two reverse accessors with one name, and relatedName false makes none', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Person extends BaseModel {}
    @Model({ registry })
    class Letter extends BaseModel {
      @ForeignKey(Person, { relatedName: false }) sender!: Relation<Person>;
      @ForeignKey(Person) recipient!: Relation<Person>;
    }
    expect([...Person.meta.reverse.keys()]).toEqual(['letters_set']);
    expect(Letter.meta.fields.get('sender')!.relation!.target).toBe(Person);
    expect(() => {
      @Model({ registry })
      class Parcel extends BaseModel {
        @ForeignKey(Person, { relatedName: 'letters_set' }) to!: Relation<Person>;
      }
      return Parcel;
    }).toThrow(/Person\.letters_set is already taken by Letter\.recipient/);
  });

  it('synthesizes through models with the spec names, prefixes and self-references', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry, tablePrefix: 'blog' })
    class Post extends BaseModel {
      @ManyToMany('Tag') tags!: ManyRelation<Tag>;
      @ManyToMany('Tag', { relatedName: 'featured_in', throughTablename: 'featured' }) featured!: ManyRelation<Tag>;
    }
    @Model({ registry })
    class Tag extends BaseModel {
      @Field() name!: string;
    }
    @Model({ registry })
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- declared for the registry, not used here
    class Member extends BaseModel {
      @ManyToMany('Member', { relatedName: 'followers' }) follows!: ManyRelation<Member>;
    }
    const through = registry.getModel('PostTagsThrough');
    expect(through.meta.isThrough).toBe(true);
    expect(through.meta.tablename).toBe('blog_posttagsthrough');
    expect([...through.meta.fields.keys()]).toEqual(['id', 'post', 'tag']);
    expect(through.meta.fields.get('post')!.relation).toMatchObject({ target: Post, onDelete: 'CASCADE' });
    expect(through.meta.uniqueTogether).toEqual([['post', 'tag']]);
    const featured = registry.getModel('PostFeaturedThrough');
    expect(featured).not.toBe(through);
    expect(featured.meta.tablename).toBe('featured');
    expect([...Tag.meta.reverse.keys()]).toEqual(['posts_set', 'featured_in']);
    const self = registry.getModel('MemberFollowsThrough');
    expect([...self.meta.fields.keys()]).toEqual(['id', 'member', 'to_member']);
    expect(self.meta.fields.get('to_member')!.column).toBe('to_member_id');
    expect(Post.meta.manyToMany.get('tags')!.through).toBe(through);
    expect(registry.metadata.tables.get('blog_posttagsthrough')!.uniqueTogether).toEqual([['post_id', 'tag_id']]);
  });

  it('a one-to-one is a unique foreign key with a singular reverse name', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Account extends BaseModel {}
    @Model({ registry })
    class Profile extends BaseModel {
      @OneToOne(() => Account) account!: Relation<Account>;
    }
    expect(Profile.meta.fields.get('account')).toMatchObject({ unique: true, column: 'account_id' });
    expect([...Account.meta.reverse.keys()]).toEqual(['profile']);
  });
});

describe('Metadata per alias', () => {
  it('splits tables by database alias and keys them by URL', () => {
    const analytics = new Database('sqlite::memory:');
    const registry = new Registry('sqlite::memory:', { extra: { analytics } });
    @Model({ registry })
    class Visitor extends BaseModel {}
    @Model({ registry, database: 'analytics' })
    class Hit extends BaseModel {
      @ForeignKey(Visitor) visitor!: Relation<Visitor>;
    }
    expect(Hit.meta.database).toBe('analytics');
    expect([...registry.metadataByName.keys()]).toEqual(['default', 'analytics']);
    expect([...registry.metadata.tables.keys()]).toEqual(['visitors']);
    expect([...registry.metadataByName.get('analytics')!.tables.keys()]).toEqual(['hits']);
    // Across databases no constraint can exist.
    expect(registry.metadataByName.get('analytics')!.tables.get('hits')!.foreignKeys).toEqual([]);
    // Same URL string: the primary wins.
    expect(registry.metadataByUrl.get('sqlite::memory:')).toBe(registry.metadata);
  });

  it('refreshMetadata rebuilds and returns the registry; invalidateModels forgets cached tables', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Box extends BaseModel {}
    const first = registry.metadata;
    expect(registry.metadata).toBe(first);
    expect(registry.refreshMetadata()).toBe(registry);
    expect(registry.metadata).not.toBe(first);
    const second = registry.metadata;
    registry.invalidateModels();
    registry.initModels();
    expect(registry.metadata).not.toBe(second);
    expect(registry.metadata.tables.get('boxs')!.model.model).toBe(Box);
  });
});
