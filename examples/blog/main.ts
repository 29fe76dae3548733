import { BaseModel, Field, ForeignKey, ManyToMany, Model, Registry, Relation, ManyRelation } from '../../lib';
const registry = new Registry('sqlite::memory:');
@Model({ registry })
class Post extends BaseModel {
  @Field({ maxLength: 200 }) title!: string;
  @ForeignKey('User', { relatedName: 'posts' }) author!: Relation<User>;
  @ManyToMany('Tag') tags!: ManyRelation<Tag>;
}
@Model({ registry })
class User extends BaseModel {
  @Field({ unique: true }) email!: string;
}
@Model({ registry })
class Tag extends BaseModel {
  @Field() name!: string;
}
async function main() {
  await registry.createAll();
  console.log(registry.metadata.toSQL(registry.database.knex));
  const u = await User.query.create({ email: 'a@b.c' });
  const p = await Post.query.create({ title: 'hi', author: u });
  const t = await Tag.query.create({ name: 'x' });
  await p.tags.add(t);
  console.log(await Post.query.all(), await p.tags.all(), await (u as any).posts.all(), Object.keys(registry.models));
  console.log(await Post.query.filter({ author__email__icontains: 'A@' }).count());
  await registry.disconnect();
}
main();
