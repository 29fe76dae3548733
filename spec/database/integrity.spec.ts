import { BaseModel, DatabaseError, Field, ForeignKey, IntegrityError, Model, Registry, Relation } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';
import { rejection } from '../support/rejection';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix, uniqueTogether: [['team', 'handle']] })
  class Member extends BaseModel {
    @Field({ maxLength: 80, unique: true }) email!: string;
    @Field({ maxLength: 20 }) team!: string;
    @Field({ maxLength: 20 }) handle!: string;
  }

  @Model({ registry, tablePrefix: prefix, constraints: [{ name: `${prefix}_post_slug`, unique: ['writer', 'slug'] }] })
  class Post extends BaseModel {
    @Field({ maxLength: 40 }) slug!: string;
    @ForeignKey(() => Member, { onDelete: 'RESTRICT', column: 'writer_ref' }) writer!: Relation<Member>;
  }
  return { Member, Post };
}

for (const { name, url, label } of DIALECT_URLS) {
  describeWithServer(`IntegrityError on ${label}`, url, () => {
    const registry = new Registry(url);
    const prefix = uniqueName('ie');
    const { Member, Post } = declare(registry, prefix);

    beforeAll(() => registry.createAll());
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    it('reports a unique field by constraint and field name, and writes nothing', async () => {
      await Member.query.create({ email: 'a@x', team: 't1', handle: 'h1' });
      const error = await rejection(() => Member.query.create({ email: 'a@x', team: 't2', handle: 'h2' }));
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error).toMatchObject({ kind: 'unique', constraint: `${Member.meta.tablename}_email_unique`, fields: ['email'], model: 'Member' });
      expect(await Member.query.filter({ team: 't2' }).count()).toBe(0);
    });

    it('reports a unique pair of fields', async () => {
      await Member.query.create({ email: 'b@x', team: 't3', handle: 'same' });
      const error = await rejection(() => Member.query.create({ email: 'c@x', team: 't3', handle: 'same' }));
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ kind: 'unique', constraint: `${Member.meta.tablename}_team_handle_unique` });
      expect([...(error as IntegrityError).fields!].sort()).toEqual(['handle', 'team']);
    });

    it('reports a named unique constraint over a foreign key by field names', async () => {
      const writer = await Member.query.create({ email: 'd@x', team: 't4', handle: 'h4' });
      await Post.query.create({ slug: 'hello', writer });
      const error = await rejection(() => Post.query.create({ slug: 'hello', writer }));
      expect(error).toMatchObject({ kind: 'unique', constraint: `${prefix}_post_slug`, model: 'Post' });
      expect([...(error as IntegrityError).fields!].sort()).toEqual(['slug', 'writer']);
    });

    it('reports a duplicate primary key', async () => {
      const first = await Member.query.create({ email: 'e@x', team: 't5', handle: 'h5' });
      const error = await rejection(() => Member.query.create({ id: first.pk, email: 'f@x', team: 't6', handle: 'h6' }));
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ kind: 'unique', fields: ['id'], model: 'Member' });
      expect(await Member.query.filter({ email: 'f@x' }).count()).toBe(0);
    });

    it('reports a foreign key to a missing row, and a delete of a referenced row', async () => {
      const missing = await rejection(() => Post.query.create({ slug: 'orphan', writer: 987654 }));
      expect(missing).toBeInstanceOf(IntegrityError);
      expect((missing as IntegrityError).kind).toBe('foreignKey');
      // SQLite says only "FOREIGN KEY constraint failed": no constraint or column to report.
      if (name !== 'sqlite') expect(missing).toMatchObject({ constraint: `${Post.meta.tablename}_writer_ref_foreign`, fields: ['writer'], model: 'Post' });
      expect(await Post.query.filter({ slug: 'orphan' }).count()).toBe(0);

      const writer = await Member.query.create({ email: 'g@x', team: 't7', handle: 'h7' });
      await Post.query.create({ slug: 'kept', writer });
      const referenced = await rejection(() => writer.delete());
      expect(referenced).toBeInstanceOf(IntegrityError);
      expect((referenced as IntegrityError).kind).toBe('foreignKey');
      if (name !== 'sqlite') expect(referenced).toMatchObject({ constraint: `${Post.meta.tablename}_writer_ref_foreign`, fields: ['writer'] });
      expect(await Member.query.filter({ pk: writer.pk }).count()).toBe(1);
    });

    it('is raised inside a transaction, which then rolls back', async () => {
      const error = await rejection(() =>
        registry.database.transaction(async () => {
          await Member.query.create({ email: 'h@x', team: 't8', handle: 'h8' });
          await Member.query.create({ email: 'h@x', team: 't9', handle: 'h9' });
        }),
      );
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ fields: ['email'] });
      expect(await Member.query.filter({ email: 'h@x' }).count()).toBe(0);
    });

    it('leaves other database errors as DatabaseError', async () => {
      const error = await rejection(() => registry.database.knex.raw('select * from no_such_table_here'));
      expect(error).not.toBeInstanceOf(IntegrityError);
      expect(registry.database.wrapError(error)).not.toBeInstanceOf(IntegrityError);
      expect(registry.database.wrapError(error)).toBeInstanceOf(DatabaseError);
    });
  });
}
