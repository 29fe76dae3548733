import 'reflect-metadata';
import { fn, col, literal, Op } from 'sequelize';
import { BelongsTo, BelongsToMany, Column, DataType, ForeignKey, HasMany, Model, Sequelize, Table } from 'sequelize-typescript';
import { rowReaders } from '../lib/row-readers';
import type { AuthorGroup, Contender, Env, NewBulk, NewCode, NewUser } from '../lib/types';

/**
 * The bench tables as sequelize-typescript models. Declared per `open()` so each Sequelize instance owns
 * fresh classes (a model class binds to one instance). Nothing is ever synced.
 */
function declare() {
  @Table({ tableName: 'bench_users', timestamps: false })
  class SUser extends Model {
    @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true }) override id!: number;
    @Column({ type: DataType.STRING(100), allowNull: false }) name!: string;
    @Column({ type: DataType.STRING(200), allowNull: false }) email!: string;
    @Column({ type: DataType.INTEGER, allowNull: false }) age!: number;
    @HasMany(() => SPost, 'user_id') posts!: SPost[];
  }

  @Table({ tableName: 'bench_tags', timestamps: false })
  class STag extends Model {
    @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true }) override id!: number;
    @Column({ type: DataType.STRING(50), allowNull: false }) name!: string;
  }

  @Table({ tableName: 'bench_posts', timestamps: false })
  class SPost extends Model {
    @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true }) override id!: number;
    @ForeignKey(() => SUser)
    @Column({ type: DataType.INTEGER, allowNull: false, field: 'user_id' })
    user_id!: number;
    @BelongsTo(() => SUser, 'user_id') user!: SUser;
    @Column({ type: DataType.STRING(200), allowNull: false }) title!: string;
    @Column({ type: DataType.TEXT, allowNull: false }) body!: string;
    @BelongsToMany(() => STag, () => SPostTag, 'post_id', 'tag_id') tags!: STag[];
  }

  @Table({ tableName: 'bench_posttags', timestamps: false })
  class SPostTag extends Model {
    @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true }) override id!: number;
    @ForeignKey(() => SPost) @Column({ type: DataType.INTEGER, allowNull: false }) post_id!: number;
    @ForeignKey(() => STag) @Column({ type: DataType.INTEGER, allowNull: false }) tag_id!: number;
  }

  @Table({ tableName: 'bench_bulk', timestamps: false })
  class SBulk extends Model {
    @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true }) override id!: number;
    @Column({ type: DataType.STRING(100), allowNull: false }) name!: string;
    @Column({ type: DataType.INTEGER, allowNull: false }) value!: number;
  }

  @Table({ tableName: 'bench_books', timestamps: false })
  class SBook extends Model {
    @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true }) override id!: number;
    @Column({ type: DataType.INTEGER, allowNull: false }) author_id!: number;
    @Column({ type: DataType.STRING(200), allowNull: false }) title!: string;
    @Column({ type: DataType.INTEGER, allowNull: false }) pages!: number;
  }

  @Table({ tableName: 'bench_codes', timestamps: false })
  class SCode extends Model {
    @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true }) override id!: number;
    @Column({ type: DataType.STRING(20), allowNull: false, unique: true }) code!: string;
    @Column({ type: DataType.STRING(100), allowNull: false }) name!: string;
    @Column({ type: DataType.INTEGER, allowNull: false }) value!: number;
  }

  return { SUser, SPost, STag, SPostTag, SBulk, SBook, SCode };
}

type Models = ReturnType<typeof declare>;
type UserRow = InstanceType<Models['SUser']>;
type PostRow = InstanceType<Models['SPost']>;

/** Sequelize 6 + sequelize-typescript with its idiomatic static model API. */
export class SequelizeContender implements Contender {
  readonly name = 'sequelize';
  private db!: Sequelize;
  private m!: Models;

  async open(env: Env): Promise<void> {
    this.m = declare();
    const models = Object.values(this.m);
    this.db =
      env.db === 'postgres'
        ? new Sequelize(env.pgUrl, {
            dialect: 'postgres',
            logging: false,
            pool: { max: 1, min: 0 },
            // search_path set once per connection (startup parameter), like the raw driver's `set search_path`.
            dialectOptions: { options: `-c search_path=${env.schema}` },
            models,
          })
        : new Sequelize({ dialect: 'sqlite', storage: env.sqliteFile, logging: false, pool: { max: 1, min: 0 }, models });
    await this.db.authenticate();
  }

  async close(): Promise<void> {
    await this.db?.close();
  }

  async insertOne(u: NewUser): Promise<number> {
    return (await this.m.SUser.create({ ...u })).id;
  }

  async insertTen(users: NewUser[]): Promise<number[]> {
    return (await this.m.SUser.bulkCreate(users.map((u) => ({ ...u })))).map((u) => u.id);
  }

  async bulkInsert(rows: NewBulk[]): Promise<number> {
    return (await this.m.SBulk.bulkCreate(rows.map((r) => ({ ...r })))).length;
  }

  select200(minAge: number): Promise<unknown[]> {
    return this.m.SUser.findAll({
      where: { age: { [Op.gte]: minAge } },
      order: [
        ['name', 'ASC'],
        ['id', 'ASC'],
      ],
      limit: 200,
    });
  }

  selectAll(): Promise<unknown[]> {
    return this.m.SUser.findAll();
  }

  getById(id: number): Promise<unknown> {
    return this.m.SUser.findByPk(id);
  }

  async updateById(id: number, email: string): Promise<void> {
    await this.m.SUser.update({ email }, { where: { id } });
  }

  async deleteById(id: number): Promise<void> {
    await this.m.SUser.destroy({ where: { id } });
  }

  parentsWithChildren(ids: number[]): Promise<unknown[]> {
    return this.m.SUser.findAll({ where: { id: ids }, include: [this.m.SPost] });
  }

  postsWithTags(ids: number[]): Promise<unknown[]> {
    // `through: { attributes: [] }`: the usual way to not hydrate the join rows onto each tag.
    return this.m.SPost.findAll({ where: { id: ids }, include: [{ model: this.m.STag, through: { attributes: [] } }] });
  }

  async aggregatePerAuthor(): Promise<AuthorGroup[]> {
    const rows = (await this.m.SBook.findAll({
      attributes: ['author_id', [fn('COUNT', literal('*')), 'n'], [fn('AVG', col('pages')), 'avgPages']],
      group: ['author_id'],
      raw: true,
    })) as unknown as { author_id: number; n: string | number; avgPages: string | number }[];
    return rows.map((r) => ({ author: r.author_id, n: Number(r.n), avgPages: Number(r.avgPages) }));
  }

  // No streamBooks: Sequelize has no streaming read.

  async upsertCodes(rows: NewCode[]): Promise<number> {
    const written = await this.m.SCode.bulkCreate(
      rows.map((r) => ({ ...r })),
      { updateOnDuplicate: ['value'], conflictAttributes: ['code'] },
    );
    return written.length;
  }

  readUser = rowReaders.readUser;
  readChildren = rowReaders.readChildren;
  readTags = rowReaders.readTags;
}

export const sequelize: Contender = new SequelizeContender();
