import type { Knex } from 'knex';
import type { Dialect } from '../dialects';
import { QueryError } from '../errors';
import type { FieldMeta, ModelMeta } from '../metadata/types';
import { applyLookup } from './lookups';
import { relationPath, resolveKey } from './path';
import { Q, Lookups } from './q';
import { withState, type QuerySetState, type WhereNode } from './state';
import { inSchemaOf, tableQuery } from './executor';
import { selectedFields } from './selected-fields';
import { CompileScope, Compiled, Expression, ExpressionPlace, isExpression } from './expressions/expression';
import { applyAnnotationFilters, expressionLookup, namesAnnotation } from './expressions/filters';
import { orderTerm } from './expressions/order';
import { aggregateOverAnnotated, aggregatesAnnotations } from './expressions/aggregate-annotations';
import { compileScope, filterValue, HostKey, isAnnotationKey, noting, ScopeHost } from './expressions/scope';
import { aggregateSelect, ComputedColumn, selectAliasScope, selectAnnotations, selectValueColumns } from './expressions/select';

/** A `selectRelated` path joined into the query: where its columns are and which field holds it. */
export interface SelectedRelation {
  /** Relation names from the root, e.g. `['author', 'profile']`. */
  path: string[];
  alias: string;
  meta: ModelMeta;
}

/** The alias of a joined column in a result row: `t1__email`. */
export const joinedColumn = (alias: string, column: string): string => `${alias}__${column}`;

/**
 * Compiles one queryset state into Knex queries. Paths are resolved against `ModelMeta` (never against
 * user strings), so every identifier that reaches SQL is a known table or column.
 */
export class QueryCompiler implements ScopeHost {
  private readonly joins = new Map<string, { alias: string; meta: ModelMeta }>();
  private joinCount = 0;
  /** Keys resolved ahead of compilation: Knex runs where-callbacks after it has emitted the joins. */
  private readonly resolved = new Map<string, HostKey>();
  /** Expressions used as filter values, compiled ahead like the keys; whether their paths join / repeat rows. */
  private readonly values = new Map<Expression, Compiled>();
  private readonly seen = { joined: false, multiValued: false };
  private children = 0;
  /** The Knex the statement is built for (subqueries of expressions need it). */
  private runner?: Knex | Knex.Transaction;
  /** Replaces the state's filters as the rows a subquery of this one reads (aggregate over a slice). */
  rows?: (compiler: QueryCompiler, runner: Knex | Knex.Transaction, qb: Knex.QueryBuilder) => void;

  constructor(
    readonly state: QuerySetState,
    readonly dialect: Dialect,
    /** Alias of the queried table; a filter subquery uses its own. */
    readonly root = 't0',
    /** The query this one is a subquery of (`OuterRef` resolves there). */
    readonly outer?: CompileScope,
  ) {}

  /** A compiler for a subquery over the same state in its own alias space (same runner, same outer query). */
  child(alias: string): QueryCompiler {
    const child = new QueryCompiler(this.state, this.dialect, alias, this.outer);
    child.runner = this.runner;
    child.rows = this.rows;
    return child;
  }

  /** A root alias for a subquery of this query, unique within the statement. */
  readonly childAlias = (): string => `${this.root}x${++this.children}`;

  /** The expression scope of this query on `qb`: aggregates per instance, or per group after `values().annotate()`. */
  scope(qb: Knex.QueryBuilder | null, place: ExpressionPlace): CompileScope {
    if (!this.runner) throw new Error('QueryCompiler.scope() before a statement was started.');
    const mode = place === 'filter' || place === 'update' ? 'none' : place === 'aggregate' || this.state.groupBy ? 'group' : 'row';
    return compileScope(this, qb, this.runner, place, mode);
  }

  /** Restricts `qb` to the queryset's rows (see `ScopeHost.restrictRows`). */
  restrictRows(runner: Knex | Knex.Transaction, qb: Knex.QueryBuilder, having: boolean): void {
    this.runner = runner;
    if (this.rows) this.rows(this, runner, qb);
    else this.applyFilters(runner, qb, having);
  }

  /** Resolves `author__name__icontains` (once per model and key, see `path.ts`); adds the joins the path needs. */
  resolve(qb: Knex.QueryBuilder | null, key: string): HostKey {
    const { hops, paths, field, column, lookup, multiValued, joined, jsonPath } = resolveKey(this.state.meta, key);
    let alias = this.root;
    for (let i = 0; i < hops.length; i++) {
      for (const [n, step] of hops[i].joins()!.entries()) alias = this.join(qb, `${paths[i]}#${n}`, alias, step.from, step.meta, step.to);
    }
    return { column: `${alias}.${column}`, field, lookup, multiValued, joined, jsonPath };
  }

  private join(qb: Knex.QueryBuilder | null, path: string, fromAlias: string, fromColumn: string, target: ModelMeta, toColumn: string, inner = false): string {
    const existing = this.joins.get(path);
    if (existing) return existing.alias;
    const alias = `${this.root}_${++this.joinCount}`;
    this.joins.set(path, { alias, meta: target });
    if (qb)
      inSchemaOf(qb, this.state, target, () =>
        qb[inner ? 'join' : 'leftJoin'](`${target.tablename} as ${alias}`, `${fromAlias}.${fromColumn}`, `${alias}.${toColumn}`),
      );
    return alias;
  }

  private prepare(qb: Knex.QueryBuilder | null, clause: Q | Lookups): void {
    if (clause instanceof Q) {
      for (const child of clause.children) this.prepare(qb, child);
      return;
    }
    if (isExpression(clause)) return void this.values.set(clause, filterValue(noting(this.scope(qb, 'filter'), this.seen), clause, String(clause)));
    for (const key of Object.keys(clause)) {
      if (isAnnotationKey(this.state, key)) continue;
      if (!this.resolved.has(key)) this.resolved.set(key, this.resolve(qb, key));
      const value = clause[key];
      // An expression as the value (`views__gt: F('likes')`) compiles now, its joins added like the key's.
      if (isExpression(value) && !this.values.has(value)) this.values.set(value, filterValue(noting(this.scope(qb, 'filter'), this.seen), value, key));
    }
  }

  /** Resolves every filter key (checking it) and reports whether any needs a join / can repeat rows. */
  private analyse(nodes: readonly WhereNode[]): { joined: boolean; multiValued: boolean } {
    // Keys that name a column of the model never join: the common `filter({ pk: 1 })` needs no probe.
    const meta = this.state.meta;
    const own = (c: Lookups) => Object.keys(c).every((key) => (key === 'pk' || meta.fields.has(key) || meta.attnames.has(key)) && !isExpression(c[key]));
    if (nodes.every((n) => n.clauses.every((c) => !(c instanceof Q) && own(c)))) return { joined: false, multiValued: false };
    // A filter on an annotation compiles as SQL text on the queried table's alias: never under its bare name.
    if (nodes.some((n) => namesAnnotation(this, n))) return { joined: true, multiValued: false };
    const probe = this.child(this.root);
    for (const node of nodes) for (const clause of node.clauses) probe.prepare(null, clause);
    let { joined, multiValued } = probe.seen;
    for (const r of probe.resolved.values()) {
      joined ||= r.joined;
      multiValued ||= r.multiValued;
    }
    return { joined, multiValued };
  }

  /** Applies the where tree to `qb` directly (joins added to `qb`). */
  applyWhere(qb: Knex.QueryBuilder, nodes: readonly WhereNode[]): void {
    for (const node of nodes) for (const clause of node.clauses) this.prepare(qb, clause);
    for (const node of nodes) {
      if (!node.negated) {
        // Top-level conditions are ANDed anyway: no grouping (Knex compiles every group as a sub-builder).
        for (const clause of node.clauses) this.applyClause(qb, clause);
        continue;
      }
      qb.whereNot((b) => {
        for (const clause of node.clauses) b.where((inner) => this.applyClause(inner, clause, true));
      });
    }
  }

  /**
   * `negated` is true under an odd number of NOTs. There a comparison with a column that may be NULL also
   * requires the column to be set: `NOT (name = 'x')` is unknown for a NULL name and would drop the row,
   * while `exclude({ name: 'x' })` must keep it (Django's semantics).
   */
  private applyClause(qb: Knex.QueryBuilder, clause: Q | Lookups, negated = false): void {
    if (clause instanceof Q) {
      const childNegated = negated !== clause.negated;
      const apply = (b: Knex.QueryBuilder) => {
        for (const child of clause.children) {
          const inner = (c: Knex.QueryBuilder) => this.applyClause(c, child, childNegated);
          if (clause.connector === 'or') b.orWhere(inner);
          else b.where(inner);
        }
      };
      if (clause.negated) qb.whereNot(apply);
      else qb.where(apply);
      return;
    }
    if (isExpression(clause)) return void qb.whereRaw(this.values.get(clause)!.sql, this.values.get(clause)!.bindings as Knex.RawBinding[]);
    for (const key of Object.keys(clause)) {
      const { column, field, lookup, joined, jsonPath } = this.resolved.get(key)!;
      const value = clause[key];
      if (isExpression(value)) {
        const term = expressionLookup(this.resolved.get(key)!, value, this.values.get(value)!, negated, this.dialect, key);
        qb.whereRaw(term.sql, term.bindings as Knex.RawBinding[]);
        continue;
      }
      const mayBeNull = field.nullable || joined;
      if (negated && mayBeNull && lookup !== 'isnull' && value !== null) {
        qb.where((b) => {
          applyLookup(b, column, field, lookup, value, this.dialect, key, jsonPath);
          b.whereNotNull(column);
        });
      } else applyLookup(qb, column, field, lookup, value, this.dialect, key, jsonPath);
    }
  }

  private pkColumn(): string {
    const meta = this.state.meta;
    return meta.fields.get(meta.pkName)!.column;
  }

  /** `SELECT pk FROM table … WHERE <nodes, applied positively>`, in its own alias space. */
  private filterSubquery(runner: Knex | Knex.Transaction, nodes: readonly WhereNode[]): Knex.QueryBuilder {
    const inner = this.child(`${this.root}s`);
    const sub = tableQuery(runner, this.state.meta, this.state.schema, inner.root, this.state.alias);
    inner.applyWhere(sub, nodes);
    return sub.select(`${inner.root}.${this.pkColumn()}`);
  }

  /**
   * Applies the filters of the state. Each `filter()` / `exclude()` call that crosses a multi-valued
   * relation becomes `pk [NOT] IN (SELECT pk … WHERE <its lookups>)`: rows never repeat, one call's
   * lookups must hold for the same related row, and `exclude` drops every row that has a matching
   * related row (rows without related rows stay), as in Django.
   */
  private applyFilters(runner: Knex | Knex.Transaction, qb: Knex.QueryBuilder, having = true): void {
    this.runner = runner;
    const direct: WhereNode[] = [];
    const annotated: WhereNode[] = [];
    const pk = `${this.root}.${this.pkColumn()}`;
    for (const node of this.state.where) {
      if (namesAnnotation(this, node)) {
        annotated.push(node);
        continue;
      }
      if (!this.analyse([node]).multiValued) {
        direct.push(node);
        continue;
      }
      const sub = this.filterSubquery(runner, [{ negated: false, clauses: node.clauses }]);
      if (node.negated) qb.whereNotIn(pk, sub);
      else qb.whereIn(pk, sub);
    }
    if (direct.length) this.applyWhere(qb, direct);
    if (annotated.length) applyAnnotationFilters(this, this.scope(qb, 'select'), qb, annotated, having);
  }

  /** Validates `orderBy` keys (`-name`, `author__name`) and applies them. */
  applyOrder(qb: Knex.QueryBuilder | null, order: QuerySetState['order'], scope?: CompileScope): void {
    for (const raw of order) {
      if (typeof raw !== 'string' || this.state.annotations) {
        if (orderTerm(qb, scope ?? this.scope(qb, 'order'), raw)) continue;
      }
      if (typeof raw !== 'string' || raw === '' || raw === '-')
        throw new QueryError(`orderBy(${JSON.stringify(raw)}): expected a field name such as "name" or "-name".`);
      const desc = raw.startsWith('-');
      const key = desc ? raw.slice(1) : raw;
      const { column, lookup, jsonPath } = this.resolve(qb, key);
      if (lookup !== 'exact' || key.endsWith('__exact') || jsonPath) throw new QueryError(`orderBy("${raw}"): a lookup cannot be ordered by.`);
      qb?.orderBy(column, desc ? 'desc' : 'asc');
    }
  }

  /** Columns of the root model to read: every field, or the `only` / `defer` selection (the key always). */
  selectedFields(): FieldMeta[] {
    return selectedFields(this.state);
  }

  /** Joins every `selectRelated` path (forward foreign keys and one-to-ones only) and selects its columns. */
  private joinSelected(qb: Knex.QueryBuilder): SelectedRelation[] {
    const selected: SelectedRelation[] = [];
    const seen = new Set<string>();
    for (const raw of this.state.selectRelated) {
      const parts = raw.split('__');
      const hops = relationPath(this.state.meta, raw);
      let alias = this.root;
      for (let i = 0; i < parts.length; i++) {
        const hop = hops[i];
        if (!hop?.joinable) {
          throw new QueryError(
            `selectRelated("${raw}"): "${parts[i]}" is not a foreign key or one-to-one of ${(hops[i - 1]?.target ?? this.state.meta).name}. ` +
              'Reverse and many-to-many relations load with prefetchRelated().',
          );
        }
        const path = parts.slice(0, i + 1);
        const key = path.join('__');
        const step = hop.joins()![0];
        alias = this.join(qb, `${key}#0`, alias, step.from, step.meta, step.to, this.state.forUpdate?.innerJoin(hops.slice(0, i + 1)));
        if (!seen.has(key)) {
          seen.add(key);
          selected.push({ path, alias, meta: hop.target });
          qb.select([...hop.target.fields.values()].map((f) => `${alias}.${f.column} as ${joinedColumn(alias, f.column)}`));
        }
      }
    }
    return selected;
  }

  /** DISTINCT, LIMIT and OFFSET of the state. */
  private applyPage(qb: Knex.QueryBuilder): void {
    if (this.state.distinct) qb.distinct();
    // The limit is written into the SQL, not bound: a checked integer, and SQLite runs `LIMIT ?` slower than a
    // literal (a point read about 5 µs). The statement cache keys on its value; offsets (pages) stay bound.
    if (this.state.limit !== undefined) qb.limit(this.state.limit, { skipBinding: true });
    if (this.state.offset !== undefined) {
      // SQLite and MySQL need a LIMIT before an OFFSET.
      if (this.state.limit === undefined) qb.limit(Number.MAX_SAFE_INTEGER, { skipBinding: true });
      qb.offset(this.state.offset);
    }
  }

  /** The SELECT for the state's rows, and the relations joined into it. */
  select(runner: Knex | Knex.Transaction): { query: Knex.QueryBuilder; fields: FieldMeta[]; selected: SelectedRelation[]; annotations: ComputedColumn[] } {
    const { meta, schema } = this.state;
    this.runner = runner;
    const qb = tableQuery(runner, meta, schema, this.root, this.state.alias);
    this.applyFilters(runner, qb);
    this.applyOrder(qb, this.state.order);
    // The model's columns come first, in this order: a reader of rows as arrays finds each at its position.
    const fields = this.selectedFields();
    qb.select(fields.map((f) => `${this.root}.${f.column}`));
    const annotations = this.state.annotations ? selectAnnotations(this.scope(qb, 'select'), qb, this.state) : [];
    const selected = this.state.selectRelated.length ? this.joinSelected(qb) : [];
    this.applyPage(qb);
    if (this.state.lock) this.dialect.lockRows(qb, this.state.lock, this.state.forUpdate?.resolve(runner, selected, this.root, this.dialect, this.state));
    return { query: qb, fields, selected, annotations };
  }

  /** The SELECT of the given columns only (values / valuesList): field paths joined like filters, annotation names; grouped after `values().annotate()`. */
  selectValues(runner: Knex | Knex.Transaction, keys: readonly string[]): { query: Knex.QueryBuilder; columns: ComputedColumn[] } {
    const { meta, schema } = this.state;
    this.runner = runner;
    const qb = tableQuery(runner, meta, schema, this.root, this.state.alias);
    this.applyFilters(runner, qb);
    const columns = selectValueColumns(this.scope(qb, 'select'), qb, this.state, keys);
    // Grouped, a selected annotation is ordered by its alias (see `selectAliasScope`).
    this.applyOrder(qb, this.state.order, this.state.groupBy && selectAliasScope(this.scope(qb, 'order'), columns));
    this.applyPage(qb);
    // values() of a selectForUpdate() queryset locks its rows too, as Django's does.
    if (this.state.forUpdate) this.dialect.lockRows(qb, 'update', this.state.forUpdate.resolve(runner, [], this.root, this.dialect, this.state));
    return { query: qb, columns };
  }

  /** `SELECT count(*)` over the state's rows (respecting limit and offset). */
  count(runner: Knex | Knex.Transaction): Knex.QueryBuilder {
    const { meta, schema } = this.state;
    this.runner = runner;
    // Groups are counted as the rows of the grouped query.
    if (this.state.groupBy) return runner.count({ count: '*' }).from(this.selectValues(runner, []).query.as('g'));
    // The order does not change a count, but a bad key is still the caller's mistake.
    this.child(this.root).applyOrder(null, this.state.order);
    if (this.state.limit !== undefined || this.state.offset !== undefined || this.state.distinct) {
      const page = this.select(runner).query.clearSelect().clearOrder().select(`${this.root}.${this.pkColumn()}`);
      return runner.count({ count: '*' }).from(page.as('page'));
    }
    const qb = tableQuery(runner, meta, schema, this.root, this.state.alias);
    this.applyFilters(runner, qb);
    return qb.count({ count: '*' });
  }

  /** `SELECT agg AS a0, …` over the state's rows; over a slice (limit, offset, distinct), over the rows of the page. */
  aggregate(runner: Knex | Knex.Transaction, aggregates: readonly (readonly [string, Expression])[]): { query: Knex.QueryBuilder; columns: ComputedColumn[] } {
    this.runner = runner;
    if (!this.state.groupBy && aggregatesAnnotations(this.state, aggregates)) return aggregateOverAnnotated(this, runner, aggregates);
    const host = new QueryCompiler(
      withState(this.state, { order: [], limit: undefined, offset: undefined, distinct: false }),
      this.dialect,
      this.root,
      this.outer,
    );
    return aggregateSelect(this, host, runner, aggregates);
  }

  /** `SELECT 1 … LIMIT 1`. */
  exists(runner: Knex | Knex.Transaction): Knex.QueryBuilder {
    this.runner = runner;
    if (this.state.groupBy) return this.selectValues(runner, []).query.limit(1);
    const qb = tableQuery(runner, this.state.meta, this.state.schema, this.root, this.state.alias);
    this.applyFilters(runner, qb);
    if (this.state.offset !== undefined) qb.offset(this.state.offset);
    return qb.select(`${this.root}.${this.pkColumn()}`).limit(1);
  }

  /**
   * A write (UPDATE / DELETE) builder restricted to the state's rows. Filters that need joins go through
   * `pk IN (SELECT pk FROM (…) AS w)`: the derived table lets MySQL read the table it writes.
   */
  writeTarget(runner: Knex | Knex.Transaction): Knex.QueryBuilder {
    const { meta, schema } = this.state;
    if (this.state.limit !== undefined || this.state.offset !== undefined) {
      throw new QueryError(`${meta.name}: update() and delete() cannot follow limit() or offset(); filter by key instead.`);
    }
    this.runner = runner;
    const qb = tableQuery(runner, meta, schema, undefined, this.state.alias);
    if (this.state.where.length === 0) return qb;
    const { joined } = this.analyse(this.state.where);
    if (!joined) {
      // No join: the where clauses can address the table directly under its own name.
      const direct = this.child(meta.tablename);
      direct.applyWhere(qb, this.state.where);
      return qb;
    }
    const inner = this.child(`${this.root}w`);
    const select = tableQuery(runner, this.state.meta, this.state.schema, inner.root, this.state.alias);
    inner.applyFilters(runner, select);
    const ids = runner.select(this.pkColumn()).from(select.select(`${inner.root}.${this.pkColumn()}`).as('w'));
    return qb.whereIn(this.pkColumn(), ids);
  }
}
