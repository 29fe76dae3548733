import type { Knex } from 'knex';
import type { Dialect } from '../dialects';
import { QueryError } from '../errors';
import type { FieldMeta, ModelMeta } from '../metadata/types';
import { applyLookup, LOOKUPS } from './lookups';
import { Q, Lookups } from './q';
import type { QuerySetState, WhereNode } from './state';
import { tableQuery } from './executor';

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

  /** Resolves `author__name__icontains` into a column, field and lookup; adds the joins the path needs. */
  resolve(qb: Knex.QueryBuilder | null, key: string): ResolvedKey {
    const parts = key.split('__');
    let meta = this.state.meta;
    let alias = QueryCompiler.ROOT;
    let path = '';
    for (let i = 0; i < parts.length; i++) {
      let name = parts[i];
      if (name === 'pk') name = meta.pkName;
      const field = meta.fields.get(name) ?? meta.attnames.get(name);
      if (!field) {
        throw new QueryError(
          `${this.state.meta.name}: "${key}" names "${parts[i]}", which is not a field of ${meta.name} ` +
            `(fields: ${[...meta.fields.keys()].join(', ')}).`,
        );
      }
      const rest = parts.slice(i + 1);
      const target = field.relation?.target?.meta;
      const traversal = target && field.name === name && rest.length > 0 && !LOOKUPS.has(rest[0]);
      if (!traversal) {
        const lookup = rest.length === 0 ? 'exact' : rest[0];
        if (rest.length > 1 || !LOOKUPS.has(lookup)) {
          throw new QueryError(`${this.state.meta.name}: unknown lookup "${rest.join('__')}" in "${key}" (lookups: ${[...LOOKUPS].join(', ')}).`);
        }
        return { column: `${alias}.${field.column}`, field, lookup };
      }
      path = path ? `${path}__${name}` : name;
      alias = this.join(qb, path, alias, field, target!);
      meta = target!;
    }
    // A key that ends on a relation compares its key column.
    throw new QueryError(`${this.state.meta.name}: "${key}" is incomplete.`);
  }

  private join(qb: Knex.QueryBuilder | null, path: string, fromAlias: string, field: FieldMeta, target: ModelMeta): string {
    const existing = this.joins.get(path);
    if (existing) return existing.alias;
    const alias = `t${++this.joinCount}`;
    this.joins.set(path, { alias, meta: target });
    if (qb) {
      // Knex applies the builder's withSchema to joined tables too.
      qb.leftJoin(`${target.tablename} as ${alias}`, `${fromAlias}.${field.column}`, `${alias}.${target.fields.get(target.pkName)!.column}`);
    }
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
    if (this.state.distinct) qb.distinct();
    if (this.state.limit !== undefined) qb.limit(this.state.limit);
    if (this.state.offset !== undefined) qb.offset(this.state.offset);
    return qb;
  }

  /** `SELECT count(*)` over the state's rows. */
  count(runner: Knex | Knex.Transaction): Knex.QueryBuilder {
    const { meta, schema } = this.state;
    const qb = tableQuery(runner, meta, schema, QueryCompiler.ROOT);
    this.applyWhere(qb, this.state.where);
    return qb.count({ count: '*' });
  }
}
