import type { Knex } from 'knex';
import type { Dialect } from '../dialects';
import { NotSupportedError } from '../errors';
import type { ColumnDefinition, ConstraintDefinition, ForeignKeyDefinition, TableDefinition } from './table-definition';
import { partialIndexesNotSupported } from './constraints';

/** What DDL needs of a table: its definition without the model it came from. */
export type TableDdl = Omit<TableDefinition, 'model'>;

const qualified = (fk: ForeignKeyDefinition) => (fk.schema ? `${fk.schema}.${fk.table}` : fk.table);

/** Adds a foreign-key constraint to a table builder (named when `fk.name` is set). */
export function addForeignKey(t: Knex.TableBuilder, fk: ForeignKeyDefinition & { name?: string }): void {
  t.foreign(fk.column, fk.name).references(fk.references).inTable(qualified(fk)).onDelete(fk.onDelete).onUpdate(fk.onUpdate);
}

/**
 * A column's type, key, nullability and default on a table builder: all `ALTER … .alter()` needs, and what
 * `CREATE TABLE` adds uniques, indexes and comments to. `options.default` overrides the column's default.
 */
export function defineColumn(
  t: Knex.CreateTableBuilder,
  c: ColumnDefinition,
  dialect: Dialect,
  options: { default?: unknown; compositeKey?: boolean } = {},
): Knex.ColumnBuilder {
  const col = dialect.addColumn(t, c);
  // Auto-increment columns carry their own PRIMARY KEY clause; a composite key is the table's (see createTable).
  if (c.primaryKey && !c.autoincrement && !options.compositeKey) col.primary();
  if (c.nullable) col.nullable();
  else col.notNullable();
  const value = options.default !== undefined ? options.default : c.default;
  if (value !== undefined) col.defaultTo(value as Knex.Value);
  return col;
}

/** The `CREATE TABLE` (and its indexes) for one table; `skipForeignKeys` holds constraints added later. */
export function createTable(
  schema: Knex.SchemaBuilder,
  table: TableDdl,
  dialect: Dialect,
  skipForeignKeys: ReadonlySet<ForeignKeyDefinition> = new Set(),
): Knex.SchemaBuilder {
  const builder = table.schema ? schema.withSchema(table.schema) : schema;
  const keys = table.columns.filter((c) => c.primaryKey).map((c) => c.name);
  const compositeKey = keys.length > 1;
  const created = builder.createTable(table.name, (t) => {
    for (const c of table.columns) {
      const col = defineColumn(t, c, dialect, { compositeKey });
      if (c.unique) col.unique();
      if (c.index) col.index();
      if (c.comment) col.comment(c.comment);
    }
    if (compositeKey) t.primary(keys);
    for (const columns of table.uniqueTogether) t.unique(columns);
    for (const index of table.indexes) {
      if (index.unique) t.unique(index.columns, index.name ? { indexName: index.name } : undefined);
      else t.index(index.columns, index.name);
    }
    for (const fk of table.foreignKeys) if (!skipForeignKeys.has(fk)) addForeignKey(t, fk);
    for (const c of table.constraints ?? []) if (c.kind === 'check') addCheck(t, c, dialect);
    if (table.comment) t.comment(table.comment);
  });
  // Partial unique indexes follow the table: CREATE TABLE cannot hold a WHERE.
  for (const c of table.constraints ?? []) if (c.kind === 'unique') void created.raw(createPartialUnique(table, c, dialect));
  return created;
}

/** A CHECK constraint on a table builder; its expression is the user's SQL, its name quoted (Knex writes it as given). */
export function addCheck(t: Knex.TableBuilder, c: Extract<ConstraintDefinition, { kind: 'check' }>, dialect: Dialect): void {
  t.check(c.check, undefined, dialect.quoteIdentifier(c.name));
}

/**
 * `CREATE UNIQUE INDEX … WHERE …` of a partial unique constraint. The statement carries no bindings: the
 * predicate's values are literals already (see constraint-condition.ts), identifiers are quoted here.
 */
export function createPartialUnique(table: { name: string; schema?: string }, c: Extract<ConstraintDefinition, { kind: 'unique' }>, dialect: Dialect): string {
  if (!dialect.partialIndexes) throw partialIndexesNotSupported(table.name, c.name, dialect, NotSupportedError);
  const q = dialect.quoteIdentifier;
  const target = table.schema ? `${q(table.schema)}.${q(table.name)}` : q(table.name);
  return `create unique index ${q(c.name)} on ${target} (${c.columns.map(q).join(', ')}) where ${c.where(dialect)}`;
}

/** `ALTER TABLE … ADD CONSTRAINT` for foreign keys that close a reference cycle. */
export function addForeignKeys(schema: Knex.SchemaBuilder, table: TableDdl, fks: ForeignKeyDefinition[]): Knex.SchemaBuilder {
  const builder = table.schema ? schema.withSchema(table.schema) : schema;
  return builder.alterTable(table.name, (t) => {
    for (const fk of fks) addForeignKey(t, fk);
  });
}

/** `ALTER TABLE … DROP CONSTRAINT` for foreign keys that close a reference cycle. */
export function dropForeignKeys(schema: Knex.SchemaBuilder, table: TableDdl, fks: ForeignKeyDefinition[]): Knex.SchemaBuilder {
  const builder = table.schema ? schema.withSchema(table.schema) : schema;
  return builder.alterTable(table.name, (t) => {
    for (const fk of fks) t.dropForeign([fk.column]);
  });
}

/** `DROP TABLE IF EXISTS`. */
export function dropTable(schema: Knex.SchemaBuilder, table: TableDdl): Knex.SchemaBuilder {
  return (table.schema ? schema.withSchema(table.schema) : schema).dropTableIfExists(table.name);
}

/**
 * Orders tables so every table comes after the tables it references. Returns the order and the foreign
 * keys that close a cycle (they must be added after both tables exist, where the dialect needs that).
 */
export function dependencyOrder<T extends TableDdl>(tables: T[]): { order: T[]; cyclic: Set<ForeignKeyDefinition> } {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: T[] = [];
  const cyclic = new Set<ForeignKeyDefinition>();
  // Iterative depth-first search: recursion would overflow on long reference chains.
  for (const root of tables) {
    if (state.has(root.name)) continue;
    const stack: { table: T; next: number }[] = [{ table: root, next: 0 }];
    state.set(root.name, 'visiting');
    while (stack.length) {
      const frame = stack[stack.length - 1];
      const fk = frame.table.foreignKeys[frame.next++];
      if (!fk) {
        state.set(frame.table.name, 'done');
        order.push(frame.table);
        stack.pop();
        continue;
      }
      const target = byName.get(fk.table);
      if (!target || target === frame.table) continue;
      const s = state.get(target.name);
      if (s === 'visiting') cyclic.add(fk);
      else if (s === undefined) {
        state.set(target.name, 'visiting');
        stack.push({ table: target, next: 0 });
      }
    }
  }
  return { order, cyclic };
}
