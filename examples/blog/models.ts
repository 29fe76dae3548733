import * as path from 'path';
import { IsEmail } from 'class-validator';
import { BaseModel, Field, ForeignKey, ManyToMany, Manager, Model, OneToOne, QuerySet, Registry } from '../../lib';
import type { ManyRelation, Relation, RelatedManager } from '../../lib';

/** The example's SQLite file, next to this source file (main.ts deletes it at start). */
export const DB_PATH = path.resolve(__dirname, 'blog.db');

/** `sqlite://` + an absolute path gives `sqlite:///abs/path/blog.db`. Nothing connects until the first query. */
export const registry = new Registry('sqlite://' + DB_PATH);

// Declared on purpose in the "wrong" order: Post and Profile name User and Tag by string before
// those classes exist; the registry binds the references as soon as the targets are declared.

/** A custom manager: `Post.published` starts from published posts only. */
export class PublishedManager extends Manager<Post> {
  override getQuerySet(): QuerySet<Post> {
    return super.getQuerySet().filter({ published: true });
  }
}

@Model({ registry })
export class Post extends BaseModel {
  declare static query: Manager<Post>;
  static published = new PublishedManager();
  @Field({ maxLength: 200 }) title!: string;
  @Field({ type: 'boolean', default: false }) published!: boolean;
  @ForeignKey('User', { relatedName: 'posts', onDelete: 'CASCADE' }) author!: Relation<User>;
  @ManyToMany('Tag') tags!: ManyRelation<Tag>;
}

@Model({ registry })
export class Profile extends BaseModel {
  declare static query: Manager<Profile>;
  @OneToOne('User') user!: Relation<User>;
  @Field({ type: 'text', nullable: true }) bio?: string;
}

@Model({ registry })
export class User extends BaseModel {
  declare static query: Manager<User>;
  @Field({ maxLength: 120, unique: true }) @IsEmail() email!: string;
  @Field() name!: string;
  /** Reverse accessors installed by Post.author (relatedName 'posts') and Profile.user (default name 'profile'). */
  declare posts: RelatedManager<Post>;
  declare profile: Promise<Profile | null>;
}

@Model({ registry })
export class Tag extends BaseModel {
  declare static query: Manager<Tag>;
  @Field({ maxLength: 50, unique: true }) name!: string;
  /** Reverse side of Post.tags (default name `posts_set`). */
  declare posts_set: ManyRelation<Post>;
}
