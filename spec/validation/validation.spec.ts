import * as classValidator from 'class-validator';
import { IsEmail, Length, Min } from 'class-validator';
import { BaseModel, Field, ForeignKey, Model, Registry, Relation, ValidationError } from '../../lib';
import type { FieldMeta, FieldType, ModelMeta } from '../../lib';
import { PERSISTED } from '../../lib/models/state';
import { hasClassValidators, validateInstance, validateMany } from '../../lib/validation';

const registry = new Registry('sqlite::memory:');

@Model({ registry })
class Author extends BaseModel {
  @Field({ maxLength: 120 }) @IsEmail() email!: string;
  @Field({ maxLength: 40 }) @Length(3, 20) name!: string;
  @Field({ type: 'integer', default: 0 }) @Min(0) karma!: number;
  @Field({ nullable: true }) bio?: string;
}

/** A subclass inherits the class-validator decorators of its parent. */
@Model({ registry })
class Editor extends Author {
  @Field({ nullable: true }) desk?: string;
}

/** No class-validator decorators: only the built-in checks apply. */
@Model({ registry })
class Post extends BaseModel {
  @Field({ maxLength: 10 }) title!: string;
  @ForeignKey('Author') author!: Relation<Author>;
  @Field({ type: 'enum', choices: ['draft', 'published'], default: 'draft' }) status!: string;
  @Field({ type: 'string', choices: ['news', 'blog'], nullable: true }) section?: string | null;
  @Field({ type: 'integer', choices: [1, 2, 3], nullable: true }) rank?: number | null;
}

/** One nullable field per column type, so each type can be checked on its own. */
@Model({ registry })
class Kitchen extends BaseModel {
  @Field({ type: 'integer', nullable: true }) integer?: unknown;
  @Field({ type: 'bigint', nullable: true }) bigint?: unknown;
  @Field({ type: 'float', nullable: true }) float?: unknown;
  @Field({ type: 'decimal', precision: 10, scale: 2, nullable: true }) decimal?: unknown;
  @Field({ type: 'string', nullable: true }) string?: unknown;
  @Field({ type: 'text', nullable: true }) text?: unknown;
  @Field({ type: 'uuid', nullable: true }) uuid?: unknown;
  @Field({ type: 'boolean', nullable: true }) boolean?: unknown;
  @Field({ type: 'date', nullable: true }) date?: unknown;
  @Field({ type: 'datetime', nullable: true }) datetime?: unknown;
  @Field({ type: 'time', nullable: true }) time?: unknown;
  @Field({ type: 'json', nullable: true }) json?: unknown;
  @Field({ type: 'binary', nullable: true }) binary?: unknown;
  @Field({ type: 'enum', choices: ['s', 'm', 'l'], nullable: true }) enum?: unknown;
}

const field = (meta: ModelMeta, name: string): FieldMeta => meta.fields.get(name)!;

/** Runs validateInstance and returns the ValidationError it threw (fails the test when nothing was thrown). */
async function errorOf(run: Promise<void>): Promise<ValidationError> {
  try {
    await run;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

const goodAuthor = (extra: Record<string, unknown> = {}): Author => new Author({ email: 'ada@example.com', name: 'Ada', karma: 3, ...extra });

describe('built-in checks', () => {
  it('refuses null on a non-nullable field, accepts it on a nullable one', async () => {
    const post = new Post({ title: null, author_id: 1, section: null, rank: null });
    const error = await errorOf(validateInstance(post, Post.meta, { insert: true }));
    expect(error.errors).toEqual({ title: ['may not be null'] });
  });

  it('refuses a missing non-nullable value on insert, and names model and field in the message', async () => {
    const post = new Post({ author_id: 1 });
    const error = await errorOf(validateInstance(post, Post.meta, { insert: true }));
    expect(error.errors).toEqual({ title: ['may not be null'] });
    expect(error.message).toBe('Post failed validation:\n  title: may not be null');
  });

  describe.each<[FieldType, unknown[], unknown[], string]>([
    ['integer', [0, -5, 2 ** 31 - 1, -(2 ** 31), 12n], [1.5, '3', true, NaN, 2 ** 31, 2 ** 40, 2n ** 31n, 2 ** 60], 'must be'],
    ['bigint', [7, 9007199254740993n, '9223372036854775807', '-42'], [1.5, '12a', '', 'abc', {}, '123456789012345678901', 2 ** 60, 2n ** 63n], 'must be'],
    ['float', [1.5, 0, -3], [Infinity, NaN, '1.5', 1n], 'must be a finite number'],
    ['decimal', [12.5, '12.50', '-0.5', '1e3', '.5'], ['12,50', 'abc', Infinity, true], 'must be a finite number or a numeric string'],
    ['string', ['', 'hello'], [5, true, {}, ['a']], 'must be a string'],
    ['text', ['long text'], [5, Buffer.from('x')], 'must be a string'],
    [
      'uuid',
      ['123e4567-e89b-12d3-a456-426614174000', '123E4567-E89B-12D3-A456-426614174000'],
      ['123e4567e89b12d3a456426614174000', 'not-a-uuid', 42],
      'must be a UUID',
    ],
    ['boolean', [true, false], [0, 1, 'true', 'yes'], 'must be a boolean'],
    [
      'date',
      ['2024-02-29', new Date('2024-05-01')],
      ['2023-02-29', '2024-13-01', '2024-5-1', new Date('nope'), 20240501],
      'must be a valid Date or a "YYYY-MM-DD" string',
    ],
    [
      'datetime',
      [new Date(), '2024-05-01T12:00:00Z', '2024-05-01 12:00:00', '2024-05-01T12:00:00.123+02:00'],
      [new Date('nope'), 'yesterday', '2024-05-01T25:99:00Z', 1714564800000],
      'must be a valid Date or an ISO 8601 string',
    ],
    ['time', ['12:30', '23:59:59', '08:00:00.250', new Date()], ['24:00', '12:60', '7:30', 'noon', 1230], 'must be a Date or an "HH:MM[:SS[.fff]]" string'],
    ['json', [{ a: [1, 'b', null] }, [1, 2], 'text', 3, false], [() => 1, Symbol('s'), 5n], 'must be a JSON value'],
    ['binary', [Buffer.from('abc'), new Uint8Array([1, 2])], ['abc', [1, 2], {}], 'must be a Buffer or Uint8Array'],
    ['enum', ['s', 'l'], ['xl', 'S', 1], 'must be one of "s", "m", "l"'],
  ])('type %s', (type, good, bad, message) => {
    const meta = Kitchen.meta;
    const only = [field(meta, type)];

    it.each(good.map((v) => [v]))('accepts %p', async (value) => {
      await expect(validateInstance(new Kitchen({ [type]: value }), meta, { fields: only, insert: true })).resolves.toBeUndefined();
    });

    it.each(bad.map((v) => [v]))('refuses %p with a message naming what is expected', async (value) => {
      const error = await errorOf(validateInstance(new Kitchen({ [type]: value }), meta, { fields: only, insert: true }));
      expect(Object.keys(error.errors)).toEqual([type]);
      expect(error.errors[type]).toHaveLength(1);
      expect(error.errors[type][0]).toContain(message);
      expect(error.errors[type][0]).toMatch(/\(got .+\)$/);
    });
  });

  it('refuses JSON with a circular reference', async () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    const error = await errorOf(validateInstance(new Kitchen({ json: loop }), Kitchen.meta, { fields: [field(Kitchen.meta, 'json')] }));
    expect(error.errors.json[0]).toMatch(/^must be JSON-serializable: /);
  });

  it('checks every type field of a full row at once', async () => {
    const k = new Kitchen({ integer: 'x', boolean: 'x', binary: 'x', uuid: 'x' });
    const error = await errorOf(validateInstance(k, Kitchen.meta, { insert: true }));
    expect(Object.keys(error.errors).sort()).toEqual(['binary', 'boolean', 'integer', 'uuid']);
  });

  it('enforces maxLength with a message naming the limit and the length', async () => {
    const email = `${'a'.repeat(118)}@example.com`; // 130 characters
    const error = await errorOf(validateInstance(goodAuthor({ email }), Author.meta, { fields: [field(Author.meta, 'email')] }));
    expect(error.errors.email).toContain('must be at most 120 characters (got 130)');
    expect(error.message).toContain('Author failed validation:');
    expect(error.message).toContain('email: must be at most 120 characters (got 130)');
  });

  it('counts characters, not UTF-16 units, and accepts a string exactly at the limit', async () => {
    const meta = Post.meta;
    const only = [field(meta, 'title')];
    await expect(validateInstance(new Post({ title: '😀'.repeat(10) }), meta, { fields: only })).resolves.toBeUndefined();
    await expect(validateInstance(new Post({ title: 'x'.repeat(10) }), meta, { fields: only })).resolves.toBeUndefined();
    const error = await errorOf(validateInstance(new Post({ title: '😀'.repeat(11) }), meta, { fields: only }));
    expect(error.errors.title).toEqual(['must be at most 10 characters (got 11)']);
  });

  it('applies the default maxLength of 255 to string fields', async () => {
    const only = [field(Kitchen.meta, 'string')];
    await expect(validateInstance(new Kitchen({ string: 'x'.repeat(255) }), Kitchen.meta, { fields: only })).resolves.toBeUndefined();
    const error = await errorOf(validateInstance(new Kitchen({ string: 'x'.repeat(256) }), Kitchen.meta, { fields: only }));
    expect(error.errors.string).toEqual(['must be at most 255 characters (got 256)']);
  });

  it('enforces choices on non-enum fields, strictly (no "1" for 1)', async () => {
    const meta = Post.meta;
    const only = [field(meta, 'section'), field(meta, 'rank')];
    await expect(validateInstance(new Post({ section: 'news', rank: 2 }), meta, { fields: only })).resolves.toBeUndefined();
    const error = await errorOf(validateInstance(new Post({ section: 'sports', rank: '1' }), meta, { fields: only }));
    expect(error.errors.section).toEqual(['must be one of "news", "blog" (got string "sports")']);
    // A wrong type is reported once, by the type check, not again by the choices check.
    expect(error.errors.rank).toEqual(['must be an integer (got string "1")']);
    const outOfRange = await errorOf(validateInstance(new Post({ rank: 4 }), meta, { fields: only }));
    expect(outOfRange.errors).toEqual({ rank: ['must be one of 1, 2, 3 (got number 4)'] });
  });

  it('reads a foreign key from its attname and reports it under the field name', async () => {
    const meta = Post.meta;
    expect(field(meta, 'author').attname).toBe('author_id');
    await expect(validateInstance(new Post({ title: 'Hi', author_id: 4 }), meta, { insert: true })).resolves.toBeUndefined();
    const error = await errorOf(validateInstance(new Post({ title: 'Hi', author_id: 'four' }), meta, { insert: true }));
    expect(error.errors).toEqual({ author: ['must be an integer (got string "four")'] });
    const missing = await errorOf(validateInstance(new Post({ title: 'Hi' }), meta, { insert: true }));
    expect(missing.errors).toEqual({ author: ['may not be null'] });
  });

  it('takes the key of a related instance that was assigned before it had one', async () => {
    const author = goodAuthor();
    const post = new Post({ title: 'Hi' });
    post.author = author; // unsaved: author_id stays undefined
    expect((post as unknown as Record<string, unknown>).author_id).toBeUndefined();
    await expect(validateInstance(post, Post.meta, { insert: true })).rejects.toThrow('author: may not be null');
    author.pk = 7; // saved meanwhile
    await expect(validateInstance(post, Post.meta, { insert: true })).resolves.toBeUndefined();
  });
});

describe('insert vs update', () => {
  it('on insert, a missing autoincrement key or a field with a default is fine', async () => {
    const post = new Post({ title: 'Hi', author_id: 1 });
    expect(post.pk).toBeUndefined();
    expect(post.status).toBeUndefined();
    await expect(validateInstance(post, Post.meta, { insert: true })).resolves.toBeUndefined();
  });

  it('on a full update, the same missing values are errors', async () => {
    const post = new Post({ title: 'Hi', author_id: 1 });
    const error = await errorOf(validateInstance(post, Post.meta, { insert: false }));
    expect(error.errors).toEqual({ id: ['may not be null'], status: ['may not be null'] });
  });

  it('null is refused even on insert for a field with a default', async () => {
    const post = new Post({ title: 'Hi', author_id: 1, status: null });
    const error = await errorOf(validateInstance(post, Post.meta, { insert: true }));
    expect(error.errors).toEqual({ status: ['may not be null'] });
  });

  it('fields limits the checks: an update of some fields ignores the others', async () => {
    const post = new Post({ id: 3, title: 'x'.repeat(50), status: 'bogus' });
    const only = [field(Post.meta, 'status')];
    const error = await errorOf(validateInstance(post, Post.meta, { fields: only, insert: false }));
    expect(error.errors).toEqual({ status: ['must be one of "draft", "published" (got string "bogus")'] });
    await expect(validateInstance(post, Post.meta, { fields: [field(Post.meta, 'id')], insert: false })).resolves.toBeUndefined();
  });

  it('without `insert`, an instance that is not persisted counts as new and a persisted one as an update', async () => {
    const post = new Post({ title: 'Hi', author_id: 1 });
    await expect(validateInstance(post, Post.meta)).resolves.toBeUndefined();
    (post as unknown as Record<symbol, unknown>)[PERSISTED] = true;
    await expect(validateInstance(post, Post.meta)).rejects.toThrow(ValidationError);
  });
});

describe('class-validator bridge', () => {
  it('detects class-validator metadata, inherited too, and its absence', () => {
    expect(hasClassValidators(Author)).toBe(true);
    expect(hasClassValidators(Editor)).toBe(true);
    expect(hasClassValidators(Post)).toBe(false);
    expect(hasClassValidators(Kitchen)).toBe(false);
  });

  it('reports class-validator messages per property, merged with the built-in ones', async () => {
    const author = goodAuthor({ email: 'not-an-email', name: 'x'.repeat(41), karma: -1 });
    const error = await errorOf(validateInstance(author, Author.meta, { insert: true }));
    expect(error.errors.email).toEqual(['email must be an email']);
    expect(error.errors.karma).toEqual(['karma must not be less than 0']);
    // Built-in first, then class-validator, under the same property.
    expect(error.errors.name).toEqual(['must be at most 40 characters (got 41)', 'name must be shorter than or equal to 20 characters']);
    expect(Object.keys(error.errors).sort()).toEqual(['email', 'karma', 'name']);
    expect(error.message).toMatch(/^Author failed validation:\n/);
    expect(error.message).toContain('  email: email must be an email');
  });

  it('a valid instance passes both layers', async () => {
    await expect(validateInstance(goodAuthor(), Author.meta, { insert: true })).resolves.toBeUndefined();
  });

  it('runs inherited decorators on a subclass model', async () => {
    const editor = new Editor({ email: 'nope', name: 'Ed', karma: 0 });
    const error = await errorOf(validateInstance(editor, Editor.meta, { insert: true }));
    expect(error.errors).toEqual({ email: ['email must be an email'], name: ['name must be longer than or equal to 3 characters'] });
    expect(error.message).toMatch(/^Editor failed validation:/);
  });

  it('fields keeps only the class-validator errors of those fields', async () => {
    const author = goodAuthor({ email: 'not-an-email', name: 'x' });
    const error = await errorOf(validateInstance(author, Author.meta, { fields: [field(Author.meta, 'name')], insert: false }));
    expect(error.errors).toEqual({ name: ['name must be longer than or equal to 3 characters'] });
  });

  it('a model without class-validator decorators never calls class-validator', async () => {
    const spy = jest.spyOn(classValidator, 'validate');
    try {
      await validateInstance(new Post({ title: 'Hi', author_id: 1 }), Post.meta, { insert: true });
      await expect(validateInstance(new Post({ title: 5, author_id: 1 }), Post.meta, { insert: true })).rejects.toThrow(
        'title: must be a string (got number 5)',
      );
      await validateMany([new Post({ title: 'a', author_id: 1 })], Post.meta, { insert: true });
      expect(spy).not.toHaveBeenCalled();
      await validateInstance(goodAuthor(), Author.meta, { insert: true });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('validateMany', () => {
  it('one bad item in three fails the whole batch, keyed by index', async () => {
    const authors = [goodAuthor(), goodAuthor({ name: 'Bob' }), goodAuthor({ email: 'broken' })];
    const error = await errorOf(validateMany(authors, Author.meta, { insert: true }));
    expect(error.errors).toEqual({ '[2].email': ['email must be an email'] });
    expect(error.message).toBe('Author failed validation:\n  [2].email: email must be an email');
  });

  it('collects every error of every item into one ValidationError', async () => {
    const posts = [new Post({ title: 'ok', author_id: 1 }), new Post({ title: 'x'.repeat(11), author_id: 'a' }), new Post({ author_id: 2, status: 'gone' })];
    const error = await errorOf(validateMany(posts, Post.meta, { insert: true }));
    expect(error.errors).toEqual({
      '[1].title': ['must be at most 10 characters (got 11)'],
      '[1].author': ['must be an integer (got string "a")'],
      '[2].title': ['may not be null'],
      '[2].status': ['must be one of "draft", "published" (got string "gone")'],
    });
  });

  it('merges built-in and class-validator errors per item and honours fields', async () => {
    const authors = [goodAuthor({ name: 'x'.repeat(41), email: 'bad' }), goodAuthor()];
    const all = await errorOf(validateMany(authors, Author.meta, { insert: true }));
    expect(all.errors['[0].name']).toEqual(['must be at most 40 characters (got 41)', 'name must be shorter than or equal to 20 characters']);
    expect(all.errors['[0].email']).toEqual(['email must be an email']);
    const some = await errorOf(validateMany(authors, Author.meta, { fields: [field(Author.meta, 'email')], insert: false }));
    expect(some.errors).toEqual({ '[0].email': ['email must be an email'] });
  });

  it('passes valid batches, including an empty one', async () => {
    await expect(validateMany([], Author.meta)).resolves.toBeUndefined();
    await expect(validateMany([goodAuthor(), goodAuthor()], Author.meta, { insert: true })).resolves.toBeUndefined();
  });

  it('validates 10,000 rows quickly', async () => {
    const posts = Array.from({ length: 10_000 }, (_, i) => new Post({ title: `t${i % 100}`, author_id: i + 1, rank: (i % 3) + 1 }));
    const started = performance.now();
    await validateMany(posts, Post.meta, { insert: true });
    expect(performance.now() - started).toBeLessThan(500);
    posts[9_999].rank = 9;
    await expect(validateMany(posts, Post.meta, { insert: true })).rejects.toThrow('[9999].rank: must be one of 1, 2, 3 (got number 9)');
  });
});
