import { randomUUID } from 'node:crypto';
import { BaseModel, Field, ForeignKey, ManyToMany, Model, OneToOne, PrimaryKey, Registry } from '../../lib';
import type { ManyRelation, Relation } from '../../lib';

/** Tables every dialect spec here creates through keelson (each suite in its own schema, database or file). */
export const TABLES = { parent: 'dx_parents', bigKey: 'dx_bigkeys', tag: 'dx_tags', every: 'dx_every', through: 'dx_every_tags' } as const;

/**
 * Declares, on `registry`, a model with a column of every field type (sizes, nullable and not, a literal default
 * of each kind keelson emits, unique fields, `indexes` and `uniqueTogether` options), plus the models its foreign
 * keys point at: an auto-increment integer key, an auto-increment bigint key and a uuid key, a one-to-one and a
 * generated many-to-many through table.
 */
export function declareEveryType(registry: Registry): void {
  @Model({ registry, tablename: TABLES.parent })
  class Parent extends BaseModel {
    @Field({ maxLength: 40, unique: true }) code!: string;
  }

  @Model({ registry, tablename: TABLES.bigKey })
  class BigKey extends BaseModel {
    @PrimaryKey({ type: 'bigint' }) id!: number;
    @Field({ type: 'text', nullable: true }) note?: string;
  }

  @Model({ registry, tablename: TABLES.tag })
  class Tag extends BaseModel {
    @PrimaryKey({ type: 'uuid', default: () => randomUUID() }) id!: string;
    @Field({ maxLength: 30 }) label!: string;
  }

  @Model({
    registry,
    tablename: TABLES.every,
    uniqueTogether: [['count', 'ratio']],
    indexes: [
      { fields: ['title', 'count'] },
      { name: 'dx_every_by_day', fields: ['day'] },
      { fields: ['amount', 'code'], unique: true },
      { name: 'dx_every_slug_named', fields: ['slug'], unique: true },
    ],
  })
  class Every extends BaseModel {
    @Field({ type: 'integer', default: 42 }) count!: number;
    @Field({ type: 'integer', nullable: true, default: -7 }) delta?: number;
    @Field({ type: 'integer', default: 0 }) zero!: number;
    @Field({ type: 'bigint', default: 9007199254740 }) big!: number;
    @Field({ type: 'float', default: 1.5 }) ratio!: number;
    @Field({ type: 'float', nullable: true, default: -0.25 }) drift?: number;
    @Field({ type: 'float', nullable: true, default: 1e21 }) huge?: number;
    @Field({ type: 'float', nullable: true, default: 1e-7 }) tiny?: number;
    @Field({ type: 'decimal', precision: 10, scale: 2, default: '12.50' }) amount!: string;
    @Field({ type: 'decimal', precision: 12, scale: 4, nullable: true, default: 3 }) rate?: string;
    @Field({ type: 'decimal', nullable: true, default: '-3.75' }) plain?: string;
    @Field({ maxLength: 120, default: "it's" }) title!: string;
    @Field({ type: 'string', default: '' }) slug!: string;
    @Field({ maxLength: 40, default: 'what? really??' }) question!: string;
    @Field({ type: 'string', maxLength: 20, nullable: true, default: 'back\\slash "q"\nnext' }) code?: string;
    @Field({ type: 'string', default: '42' }) digits!: string;
    @Field({ type: 'text', nullable: true }) body?: string;
    @Field({ type: 'boolean', default: true }) active!: boolean;
    @Field({ type: 'boolean', default: false }) archived!: boolean;
    @Field({ type: 'boolean', nullable: true }) maybe?: boolean;
    @Field({ type: 'date', nullable: true, default: '2020-01-02' }) day?: string;
    @Field({ type: 'datetime', nullable: true }) seen?: Date;
    @Field({ type: 'datetime', precision: 0, nullable: true }) whole?: Date;
    @Field({ type: 'datetime', timezone: false, nullable: true }) wall?: Date;
    @Field({ type: 'time', nullable: true }) at?: string;
    @Field({ type: 'json', nullable: true }) doc?: unknown;
    @Field({ type: 'uuid', nullable: true, unique: true }) token?: string;
    @Field({ type: 'binary', nullable: true }) blob?: Buffer;
    @Field({ type: 'enum', choices: ['draft', "it's", 'done'], default: 'draft' }) status!: string;
    @Field({ type: 'enum', choices: ['low', 'high'], nullable: true, index: true }) level?: string;
    @Field({ type: 'enum', choices: ['only'], nullable: true }) solitary?: string;
    @Field({ type: 'enum', choices: ['calm', 'wild'], nullable: true, column: 'Mood' }) mood?: string;
    @ForeignKey(() => Parent, { onDelete: 'CASCADE' }) parent!: Relation<Parent>;
    @ForeignKey(() => Parent, { nullable: true, index: true, onDelete: 'SET NULL', relatedName: 'others' }) other?: Relation<Parent>;
    @ForeignKey(() => BigKey, { nullable: true, relatedName: 'everys' }) owner?: Relation<BigKey>;
    @ForeignKey(() => Tag, { nullable: true, relatedName: 'tagged' }) tag?: Relation<Tag>;
    @OneToOne(() => Parent, { nullable: true, relatedName: 'solo' }) solo?: Relation<Parent>;
    @ManyToMany(() => Tag, { relatedName: 'everys', throughTablename: TABLES.through }) tags!: ManyRelation<Tag>;
  }

  void Every;
}
