import type { Knex } from 'knex';
import type { Dialect } from '../dialects';
import { QueryError } from '../errors';
import type { FieldMeta, ModelMeta } from '../metadata/types';
import { applyLookup, LOOKUPS } from './lookups';
import { Q, Lookups } from './q';
import type { QuerySetState, WhereNode } from './state';
import { tableQuery } from './executor';
import { throughColumns } from '../relations/many-to-many/through-fields';

/** One join of a relation path: from a column of the current table to a column of `meta`'s table. */
interface JoinHop {
  from: string;
  meta: ModelMeta;
  to: string;
  /** The join can match several rows per row on its left. */
  many: boolean;
}

/** A filter key resolved against the model: the qualified column, its field, and the lookup. */
interface ResolvedKey {
  column: string;
  field: FieldMeta;
  lookup: string;
}

/** Compiles one queryset state into a Knex query; one compiler per execution, joins shared across clauses. */
export class QueryCompiler {
  private readonly joins = new Map<string, { alias: string; meta: ModelMeta }>();
  private joinCount = 0;

  constructor(
    private readonly state: QuerySetState,
    private readonly dialect: Dialect,
  ) {}

  /** The base alias of the queried table. */
  static readonly ROOT = 't0';

  /** True once a join can repeat root rows (reverse or many-to-many): results are then de-duplicated. */
  private multiValued = false;

  /** Resolves `author__name__icontains` into a column, field and lookup; adds the joins the path needs. */
  resolve(qb: Knex.QueryBuilder | null, key: string): ResolvedKey {
    const parts = key.split('__');
    let meta = this.state.meta;
    let alias = QueryCompiler.ROOT;
    let path = '';
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i] === 'pk' ? meta.pkName : parts[i];
      const rest = parts.slice(i + 1);
      const ends = rest.length === 0 || LOOKUPS.has(rest[0]);
      const field = meta.fields.get(name) ?? meta.attnames.get(name);
      path = path ? `${path}__${name}` : name;
      if (field && (ends || !field.relation || field.name !== name)) {
        // A plain column, or a foreign key compared by its own column (no join needed).
        return { column: `${alias}.${field.column}`, field, lookup: this.lookupOf(key, rest) };
      }
      const step = field ? this.forwardStep(field) : this.relationSteps(meta, name);
      if (!step) {
        const names = [...meta.fields.keys(), ...meta.manyToMany.keys(), ...meta.reverse.keys()];
        throw new QueryError(`${this.state.meta.name}: "${key}" names "${parts[i]}", which is not a field or relation of ${meta.name} (known: ${names.join(', ')}).`);
      }
      for (const [n, hop] of step.entries()) alias = this.join(qb, `${path}#${n}`, alias, hop.from, hop.meta, hop.to);
      if (step.some((hop) => hop.many)) this.multiValued = true;
      meta = step[step.length - 1].meta;
      if (ends) {
        const pk = meta.fields.get(meta.pkName)!;
        return { column: `${alias}.${pk.column}`, field: pk, lookup: this.lookupOf(key, rest) };
      }
    }
    throw new QueryError(`${this.state.meta.name}: "${key}" is incomplete.`);
  }

  private lookupOf(key: string, rest: string[]): string {
    const lookup = rest.length === 0 ? 'exact' : rest[0];
    if (rest.length > 1 || !LOOKUPS.has(lookup)) {
      throw new QueryError(`${this.state.meta.name}: unknown lookup "${rest.join('__')}" in "${key}" (lookups: ${[...LOOKUPS].join(', ')}).`);
    }
    return lookup;
  }

  /** The join from a model to the target of its foreign key. */
  private forwardStep(field: FieldMeta): JoinHop[] | undefined {
    const target = field.relation?.target?.meta;
    if (!target) return undefined;
    return [{ from: field.column, meta: target, to: target.fields.get(target.pkName)!.column, many: false }];
  }

  /** Joins for a many-to-many field, or for a reverse accessor (foreign key, one-to-one, many-to-many). */
  private relationSteps(meta: ModelMeta, name: string): JoinHop[] | undefined {
    const pkColumn = (m: ModelMeta) => m.fields.get(m.pkName)!.column;
    const m2m = meta.manyToMany.get(name);
    const reverse = m2m ? undefined : meta.reverse.get(name) ?? meta.hiddenReverse.get(name);
    if (m2m || reverse?.kind === 'manyToMany') {
      // Owner side or target side of a many-to-many: through the through table, then to the far model.
      const owner = m2m ? meta : reverse!.owner.meta;
      const field = m2m ?? owner.manyToMany.get(reverse!.field)!;
      if (!field.through || !field.target) return undefined;
      const far = m2m ? field.target.meta : owner;
      const { through, near, far: farColumn } = throughColumns(owner, field, !m2m);
      return [
        { from: pkColumn(meta), meta: through, to: near, many: true },
        { from: farColumn, meta: far, to: pkColumn(far), many: false },
      ];
    }
    if (!reverse) return undefined;
    const owner = reverse.owner.meta;
    return [{ from: pkColumn(meta), meta: owner, to: owner.fields.get(reverse.field)!.column, many: reverse.kind === 'foreignKey' }];
  }

  private join(qb: Knex.QueryBuilder | null, path: string, fromAlias: string, fromColumn: string, target: ModelMeta, toColumn: string): string {
    const existing = this.joins.get(path);
    if (existing) return existing.alias;
    const alias = `t${++this.joinCount}`;
    this.joins.set(path, { alias, meta: target });
    // Knex applies the builder's withSchema to joined tables too.
    if (qb) qb.leftJoin(`${target.tablename} as ${alias}`, `${fromAlias}.${fromColumn}`, `${alias}.${toColumn}`);
    return alias;
  }

  /** Keys resolved ahead of compilation: Knex runs where-callbacks after it has emitted the joins. */
  private readonly resolved = new Map<string, ResolvedKey>();

  private prepare(qb: Knex.QueryBuilder, clause: Q | Lookups): void {
    if (clause instanceof Q) {
      for (const child of clause.children) this.prepare(qb, child);
      return;
    }
    for (const key of Object.keys(clause)) if (!this.resolved.has(key)) this.resolved.set(key, this.resolve(qb, key));
  }

  /** Applies the where tree to `qb`. */
  applyWhere(qb: Knex.QueryBuilder, nodes: readonly WhereNode[]): void {
    for (const node of nodes) for (const clause of node.clauses) this.prepare(qb, clause);
    for (const node of nodes) {
      const apply = (b: Knex.QueryBuilder) => {
        for (const clause of node.clauses) b.where((inner) => this.applyClause(inner, clause));
      };
      if (node.negated) qb.whereNot(apply);
      else qb.where(apply);
    }
  }

  private applyClause(qb: Knex.QueryBuilder, clause: Q | Lookups): void {
    if (clause instanceof Q) {
      const apply = (b: Knex.QueryBuilder) => {
        for (const child of clause.children) {
          const inner = (c: Knex.QueryBuilder) => this.applyClause(c, child);
          if (clause.connector === 'or') b.orWhere(inner);
          else b.where(inner);
        }
      };
      if (clause.negated) qb.whereNot(apply);
      else qb.where(apply);
      return;
    }
    for (const key of Object.keys(clause)) {
      const { column, field, lookup } = this.resolved.get(key)!;
      applyLookup(qb, column, field, lookup, clause[key], this.dialect, key);
    }
  }

  /** Validates `orderBy` keys (`-name`, `author__name`) and applies them. */
  applyOrder(qb: Knex.QueryBuilder, order: readonly string[]): void {
    for (const raw of order) {
      const desc = raw.startsWith('-');
      const key = desc ? raw.slice(1) : raw;
      const { column, lookup } = this.resolve(qb, key);
      if (lookup !== 'exact' || key.endsWith('__exact')) throw new QueryError(`orderBy("${raw}"): a lookup cannot be ordered by.`);
      qb.orderBy(column, desc ? 'desc' : 'asc');
    }
  }

  /** The SELECT for the state's rows. */
  select(runner: Knex | Knex.Transaction): Knex.QueryBuilder {
    const { meta, schema } = this.state;
    const qb = tableQuery(runner, meta, schema, QueryCompiler.ROOT);
    this.applyWhere(qb, this.state.where);
    this.applyOrder(qb, this.state.order);
    qb.select([...meta.fields.values()].map((f) => `${QueryCompiler.ROOT}.${f.column}`));
    if (this.state.distinct || this.multiValued) qb.distinct();
    if (this.state.limit !== undefined) qb.limit(this.state.limit);
    if (this.state.offset !== undefined) qb.offset(this.state.offset);
    return qb;
  }

  /** `SELECT count(*)` over the state's rows. */
  count(runner: Knex | Knex.Transaction): Knex.QueryBuilder {
    const { meta, schema } = this.state;
    const qb = tableQuery(runner, meta, schema, QueryCompiler.ROOT);
    this.applyWhere(qb, this.state.where);
    if (this.multiValued) return qb.countDistinct({ count: `${QueryCompiler.ROOT}.${meta.fields.get(meta.pkName)!.column}` });
    return qb.count({ count: '*' });
  }
}
