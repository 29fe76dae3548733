import { BaseModel, Field, Model, PrimaryKey, Registry } from '../../lib';
import { COLUMN_SPEC_KEYS, columnSpecKeysWithout, pickColumnSpec } from '../../lib/metadata/column-spec';
import type { ColumnSpec } from '../../lib/metadata/column-spec';
import { tableDefinition } from '../../lib/metadata/table-definition';

/** One spec the field, metadata and table-definition shapes all carry: a member set on a field reaches its column. */
describe('ColumnSpec', () => {
  it('lists every member once', () => {
    expect(new Set(COLUMN_SPEC_KEYS).size).toBe(COLUMN_SPEC_KEYS.length);
    expect([...COLUMN_SPEC_KEYS].sort()).toEqual(
      [
        'type',
        'nullable',
        'default',
        'unique',
        'primaryKey',
        'autoincrement',
        'maxLength',
        'precision',
        'scale',
        'timezone',
        'choices',
        'comment',
        'dbType',
        'of',
        'generated',
      ].sort(),
    );
    expect(columnSpecKeysWithout('dbType', 'comment')).toEqual(COLUMN_SPEC_KEYS.filter((k) => k !== 'dbType' && k !== 'comment'));
  });

  it('picks the members a source sets, and nothing else', () => {
    const source = { type: 'string', nullable: true, maxLength: 20, precision: undefined, name: 'title', secret: true } as const;
    const picked = pickColumnSpec(source);
    expect(picked).toEqual({ type: 'string', nullable: true, maxLength: 20 });
    expect(Object.keys(picked)).toEqual(['type', 'nullable', 'maxLength']);
    expect(pickColumnSpec(source, ['maxLength', 'precision'])).toEqual({ maxLength: 20 });
    // A copy: the source stays as it was.
    const choices = ['a', 'b'];
    const spec: Partial<ColumnSpec> = { type: 'enum', choices };
    expect(pickColumnSpec(spec)).not.toBe(spec);
    expect(pickColumnSpec(spec).choices).toBe(choices);
  });

  it('carries each member from the field options through the field to the table definition', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Sample extends BaseModel {
      @PrimaryKey({ type: 'bigint', autoincrement: true, comment: 'the key' }) id!: number;
      @Field({ type: 'datetime', precision: 3, timezone: false, nullable: true, comment: 'wall clock' }) wall?: Date;
      @Field({ type: 'decimal', precision: 8, scale: 2, default: 0, unique: true }) total!: string;
      @Field({ type: 'enum', choices: ['draft', 'done'], default: 'draft' }) status!: string;
      @Field({ type: 'array', of: 'string', maxLength: 20, nullable: true }) tags?: string[];
      @Field({ dbType: 'tsvector', generated: "to_tsvector('english', 'x')", nullable: true }) search?: string;
    }
    const meta = Sample.meta;
    const columns = new Map(tableDefinition(meta, undefined).columns.map((c) => [c.name, c]));
    expect(columns.get('id')).toMatchObject({ type: 'bigint', primaryKey: true, autoincrement: true, nullable: false, comment: 'the key' });
    expect(columns.get('wall')).toMatchObject({ type: 'datetime', precision: 3, timezone: false, nullable: true, comment: 'wall clock' });
    expect(columns.get('total')).toMatchObject({ type: 'decimal', precision: 8, scale: 2, default: 0, unique: true });
    expect(columns.get('status')).toMatchObject({ type: 'enum', choices: ['draft', 'done'], default: 'draft' });
    expect(columns.get('tags')).toMatchObject({ type: 'array', of: 'string', maxLength: 20 });
    expect(columns.get('search')).toMatchObject({ type: 'text', dbType: 'tsvector', generated: "to_tsvector('english', 'x')" });
    // A datetime keeps its time zone unless told otherwise: `timezone` is only ever false.
    expect(columns.get('wall')!.timezone).toBe(false);
    expect(columns.get('id')!.timezone).toBeUndefined();
    // For every column, each spec member is the field's (DDL words `unique` and `default` its own way).
    for (const field of meta.fields.values()) {
      const column = columns.get(field.column)!;
      for (const key of columnSpecKeysWithout('unique', 'default')) expect([field.name, key, column[key]]).toEqual([field.name, key, field[key]]);
    }
  });
});
