import type { IntrospectedColumn, IntrospectedForeignKey, IntrospectedTable } from '../../dialects/introspection';

/** A plan for one column that is not a foreign key. */
export interface PlainField {
  kind: 'field';
  property: string;
  column: IntrospectedColumn;
  /** Part of the primary key. */
  primaryKey: boolean;
  /** Several columns make the primary key. */
  compositeKey: boolean;
  /** A single-column index with Knex's default name: `index: true`. */
  index?: boolean;
  comment?: string;
}

/** A plan for one foreign key column. */
export interface FkField {
  kind: 'fk';
  property: string;
  column: IntrospectedColumn;
  fk: IntrospectedForeignKey;
  target: ClassPlan;
  primaryKey: boolean;
  index?: boolean;
  relatedName?: string;
}

/** A many-to-many property on the first side of a join table. */
export interface M2mField {
  property: string;
  target: ClassPlan;
  through: ClassPlan;
  relatedName?: string;
}

/** Everything the generated class of one table will hold. */
export interface ClassPlan {
  table: IntrospectedTable;
  className: string;
  fields: (PlainField | FkField)[];
  m2m: M2mField[];
  uniqueTogether: string[][];
  /** Indexes that are not a field's `index: true`: named, or over several columns. */
  indexes: { name: string; fields: string[] }[];
  comments: string[];
  /** Every instance member name taken on this class: properties, FK attnames, m2m and reverse accessors. */
  taken: Set<string>;
  /** Join table detected: the two foreign keys, in column order. */
  join?: [IntrospectedForeignKey, IntrospectedForeignKey];
}
