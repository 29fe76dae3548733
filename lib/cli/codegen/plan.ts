import type { IntrospectedColumn, IntrospectedForeignKey, IntrospectedTable } from '../../dialects/introspection';
import { defaultIndexName } from '../../migrations/shape';
import { claim, fkProperty, isIdentifier, lit, lowerFirst, pascalCase, plainProperty, plural, RESERVED_CLASS_NAMES } from './names';
import type { ClassPlan, FkField } from './plan-types';

/** One class plan per table whose name keelson can use (PascalCase, never an imported name, de-duplicated). */
export function planClasses(tables: readonly IntrospectedTable[]): { plans: ClassPlan[]; byTable: Map<string, ClassPlan>; skipped: string[] } {
  const usedClassNames = new Set<string>();
  const plans: ClassPlan[] = [];
  const byTable = new Map<string, ClassPlan>();
  const skipped: string[] = [];
  for (const table of tables) {
    if (!isIdentifier(table.name)) {
      skipped.push(`${table.name}: its name is not a plain identifier keelson can use as a table name`);
      continue;
    }
    let base = pascalCase(table.name);
    if (RESERVED_CLASS_NAMES.has(base)) base = `${base}Model`;
    let className = base;
    for (let i = 2; usedClassNames.has(className); i++) className = `${base}${i}`;
    usedClassNames.add(className);
    const plan: ClassPlan = { table, className, fields: [], m2m: [], uniqueTogether: [], indexes: [], comments: [], taken: new Set() };
    plans.push(plan);
    byTable.set(table.name, plan);
  }
  return { plans, byTable, skipped };
}

/** The columns keelson can map (plain identifiers); the others are noted on the plan. */
function mappedColumns(plan: ClassPlan): IntrospectedColumn[] {
  return plan.table.columns.filter((c) => {
    if (isIdentifier(c.name)) return true;
    plan.comments.push(`Column ${lit(c.name)} (${c.dbType}) is left out: it is not a plain identifier keelson can map.`);
    return false;
  });
}

/** The key columns; without a primary key, an `id` column, else the first non-null unique column. */
function keyColumns(plan: ClassPlan, columns: IntrospectedColumn[]): IntrospectedColumn[] {
  const declared = columns.filter((c) => c.primaryKey);
  if (declared.length) return declared;
  const key = columns.find((c) => c.name === 'id') ?? columns.find((c) => c.unique && !c.nullable);
  if (key) {
    plan.comments.push(`The table has no primary key; ${key.name} is used as the model's key.`);
    return [key];
  }
  return [];
}

/** The foreign keys keelson can model: to an inspected table's single-column primary key. */
function modelledForeignKeys(plan: ClassPlan, columnNames: Set<string>, byTable: Map<string, ClassPlan>): Map<string, IntrospectedForeignKey> {
  const fkByColumn = new Map<string, IntrospectedForeignKey>();
  for (const fk of plan.table.foreignKeys) {
    const target = byTable.get(fk.table);
    const targetPk = target?.table.columns.filter((c) => c.primaryKey) ?? [];
    if (!columnNames.has(fk.column) || fkByColumn.has(fk.column)) continue;
    if (!target) {
      plan.comments.push(`${fk.column} references ${fk.table}.${fk.references}, which was not inspected: kept as a plain column.`);
    } else if (targetPk.length === 0 || targetPk[0].name !== fk.references) {
      plan.comments.push(`${fk.column} references ${fk.table}.${fk.references}, which is not that table's primary key: kept as a plain column.`);
    } else {
      fkByColumn.set(fk.column, fk);
    }
  }
  return fkByColumn;
}

/** The fields of a plan, in column order: plain columns first claim their own names, then foreign keys pick free ones. */
function planColumns(
  plan: ClassPlan,
  columns: IntrospectedColumn[],
  keys: IntrospectedColumn[],
  fkByColumn: Map<string, IntrospectedForeignKey>,
  byTable: Map<string, ClassPlan>,
): void {
  const columnNames = new Set(columns.map((c) => c.name));
  const plainProps = new Map<string, string>();
  for (const c of columns) {
    if (fkByColumn.has(c.name)) continue;
    const property = plainProperty(c.name, plan.taken);
    plan.taken.add(property);
    plainProps.set(c.name, property);
  }
  // Every column of a composite key is part of the model's key (a foreign key too).
  const compositeKey = keys.length > 1;
  for (const c of columns) {
    const fk = fkByColumn.get(c.name);
    const primaryKey = keys.includes(c);
    if (!fk) {
      plan.fields.push({ kind: 'field', property: plainProps.get(c.name)!, column: c, primaryKey, compositeKey });
      continue;
    }
    const property = fkProperty(c.name, columnNames, plan.taken);
    plan.taken.add(property);
    plan.taken.add(`${property}_id`);
    plan.fields.push({ kind: 'fk', property, column: c, fk, target: byTable.get(fk.table)!, primaryKey });
  }
}

/**
 * Unique groups and plain indexes (single uniques are the fields' `unique`): a single column under Knex's
 * default name is the field's `index: true`; any other index keeps its name.
 */
function planIndexes(plan: ClassPlan, columnNames: Set<string>): void {
  const { table } = plan;
  const propOf = (column: string) => plan.fields.find((f) => f.column.name === column)?.property;
  for (const group of table.uniqueTogether) {
    if (group.length < 2 || !group.every((c) => columnNames.has(c))) continue;
    const props = group.map((c) => propOf(c)!);
    const same = (g: string[]) => g.length === props.length && g.every((p, i) => p === props[i]);
    if (!plan.uniqueTogether.some(same)) plan.uniqueTogether.push(props);
  }
  for (const index of table.indexes ?? []) {
    if (index.unique) continue;
    const left = index.columns.filter((c) => !columnNames.has(c));
    if (left.length) {
      plan.comments.push(`Index ${index.name} is left out: its column ${left.map((c) => lit(c)).join(', ')} is not mapped.`);
      continue;
    }
    const field = index.columns.length === 1 ? plan.fields.find((f) => f.column.name === index.columns[0]) : undefined;
    if (field && !field.primaryKey && !field.index && index.name === defaultIndexName(table.name, index.columns, false)) field.index = true;
    else plan.indexes.push({ name: index.name, fields: index.columns.map((c) => propOf(c)!) });
  }
}

/** Foreign keys are indexed by default: one that no live index, unique or primary key leads says `index: false`. */
function markUnindexedForeignKeys(plan: ClassPlan, columns: IntrospectedColumn[], keys: IntrospectedColumn[]): void {
  const { table } = plan;
  const columnNames = new Set(columns.map((c) => c.name));
  const leads = new Set([
    ...[...(table.indexes ?? []).map((i) => i.columns), ...table.uniqueTogether].filter((cols) => cols.every((c) => columnNames.has(c))).map((cols) => cols[0]),
    ...keys.slice(0, 1).map((c) => c.name),
    ...columns.filter((c) => c.unique).map((c) => c.name),
  ]);
  for (const f of plan.fields) if (f.kind === 'fk' && !leads.has(f.column.name)) f.index = false;
}

/** Fills in the fields, key, uniques and indexes of one class. */
export function planFields(plan: ClassPlan, byTable: Map<string, ClassPlan>): void {
  const columns = mappedColumns(plan);
  const columnNames = new Set(columns.map((c) => c.name));
  const keys = keyColumns(plan, columns);
  planColumns(plan, columns, keys, modelledForeignKeys(plan, columnNames, byTable), byTable);
  if (keys.length === 0) {
    plan.comments.push('The table has no primary key and no unique column; keelson needs one, so it will assume an `id` column: add a key before querying.');
  }
  planIndexes(plan, columnNames);
  markUnindexedForeignKeys(plan, columns, keys);
}

/**
 * A join table: exactly two foreign keys, and besides their columns at most one more column, the table's own
 * single-column primary key (a surrogate key); or a composite primary key over the two foreign keys.
 */
function joinKeys(table: IntrospectedTable): [IntrospectedForeignKey, IntrospectedForeignKey] | undefined {
  if (table.foreignKeys.length !== 2) return undefined;
  const [a, b] = table.foreignKeys;
  if (a.column === b.column) return undefined;
  const rest = table.columns.filter((c) => c.name !== a.column && c.name !== b.column);
  if (rest.length > 1) return undefined;
  if (rest.length === 1 && !rest[0].primaryKey) return undefined;
  const order = table.columns.map((c) => c.name);
  return order.indexOf(a.column) <= order.indexOf(b.column) ? [a, b] : [b, a];
}

/** Join tables: the through model keeps both foreign keys; the first side gets a @ManyToMany. */
export function planJoins(plans: ClassPlan[]): void {
  for (const plan of plans) {
    const keys = joinKeys(plan.table);
    if (!keys) continue;
    const fks = keys.map((k) => plan.fields.find((f): f is FkField => f.kind === 'fk' && f.fk === k));
    if (!fks[0] || !fks[1]) continue;
    plan.join = keys;
    const [first, second] = fks as FkField[];
    const owner = first.target;
    const target = second.target;
    const base = plural(lowerFirst(target.className));
    owner.m2m.push({ property: claim(owner, owner === target ? `${base}_${lowerFirst(second.property)}` : base), target, through: plan });
  }
}

/** Reverse accessors: explicit, and unique per target. */
export function planReverseNames(plans: ClassPlan[]): void {
  for (const plan of plans) {
    const owners = plural(lowerFirst(plan.className));
    for (const f of plan.fields) {
      if (f.kind !== 'fk') continue;
      const sameTarget = plan.fields.filter((g) => g.kind === 'fk' && g.target === f.target).length;
      const base = sameTarget > 1 ? `${owners}_by_${f.property}` : owners;
      f.relatedName = claim(f.target, base);
    }
    for (const m of plan.m2m) m.relatedName = claim(m.target, owners);
  }
}
