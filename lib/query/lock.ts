import type { Knex } from 'knex';
import type { Dialect, RowLockOptions } from '../dialects/dialect';
import { NotSupportedError, QueryError } from '../errors';
import type { ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import type { Relation } from '../relations/relation';
import type { SelectedRelation } from './compiler';
import { relationPath } from './path';
import type { QuerySet } from './queryset';
import type { QuerySetState } from './state';

/** Options of `selectForUpdate()`. */
export interface SelectForUpdateOptions {
  /** Leave out rows another transaction holds locked instead of waiting for them (`SKIP LOCKED`). */
  skipLocked?: boolean;
  /** Fail at once (a `DatabaseError`) when a row is locked by another transaction instead of waiting (`NOWAIT`). */
  nowait?: boolean;
  /** Lock only the rows of these: `'self'` (the queryset's model) and relations it `selectRelated()`s (PostgreSQL; MySQL/MariaDB have no `OF`). */
  of?: readonly string[];
}

const OPTION_KEYS = new Set(['skipLocked', 'nowait', 'of']);

/**
 * A checked `selectForUpdate()` call, kept in the queryset state: the SELECT it compiles to asks `resolve()` for the lock's
 * options, which is where the transaction and the `of` names are checked (the relations are known once the query is built).
 */
export class ForUpdate {
  private constructor(
    readonly options: Readonly<SelectForUpdateOptions>,
    private readonly meta: ModelMeta,
  ) {}

  /** Checks the options as `selectForUpdate()` receives them; QueryError for anything malformed. */
  static check(meta: ModelMeta, options: unknown = {}): ForUpdate {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new QueryError('selectForUpdate() takes an options object.');
    const given = options as Record<string, unknown>;
    const unknown = Object.keys(given).filter((k) => !OPTION_KEYS.has(k));
    if (unknown.length) throw new QueryError(`selectForUpdate(): unknown option ${unknown.map((k) => `"${k}"`).join(', ')} (options: skipLocked, nowait, of).`);
    for (const name of ['skipLocked', 'nowait'] as const) {
      if (given[name] !== undefined && typeof given[name] !== 'boolean') throw new QueryError(`selectForUpdate(): ${name} must be true or false.`);
    }
    if (given.skipLocked && given.nowait) {
      throw new QueryError('selectForUpdate(): nowait and skipLocked cannot both be set: fail on a locked row, or skip it.');
    }
    const of = given.of;
    if (of !== undefined && (!Array.isArray(of) || !of.every((name) => typeof name === 'string' && name !== ''))) {
      throw new QueryError("selectForUpdate(): of must be a list of names: 'self' and relations of selectRelated(), e.g. of: ['self', 'author'].");
    }
    return new ForUpdate({ skipLocked: given.skipLocked === true, nowait: given.nowait === true, of: of ? [...(of as string[])] : undefined }, meta);
  }

  /**
   * Whether `selectRelated()` may join the last of `hops` with an INNER JOIN: every hop is a NOT NULL foreign key, so the
   * rows are the LEFT JOIN's, and PostgreSQL can lock the joined table's rows (never those of an outer join's nullable side).
   */
  innerJoin(hops: readonly Relation[]): boolean {
    return hops.every((hop) => {
      const step = hop.joins()?.[0];
      return step !== undefined && hop.from.columnToField.get(step.from)?.nullable === false;
    });
  }

  /**
   * The dialect's lock options for a SELECT about to run on `runner`, `root` being the queried table's alias and `selected`
   * the relations joined in. QueryError outside a transaction (the lock would end with the statement) or for an `of` name
   * that is neither `'self'` nor a selected relation; NotSupportedError for a nullable relation where `dialect` cannot lock it.
   */
  resolve(runner: Knex | Knex.Transaction, selected: readonly SelectedRelation[], root: string, dialect: Dialect, state: QuerySetState): RowLockOptions {
    const model = this.meta.name;
    // Rows merged by DISTINCT or GROUP BY are no table's rows: PostgreSQL refuses to lock them, and MySQL would lock them all.
    if (state.distinct || state.groupBy) {
      throw new QueryError(
        `${model}: selectForUpdate() locks table rows, and ${state.distinct ? 'distinct()' : 'values(…).annotate(…) grouping'} merges them: lock the rows first, then read them grouped or distinct in the same transaction.`,
      );
    }
    if (!runner.isTransaction) {
      throw new QueryError(
        `${model}: selectForUpdate() runs only inside a transaction (the locks end with the statement otherwise): wrap it in database.transaction(async () => …).`,
      );
    }
    const nameOf = (r: SelectedRelation) => r.path.join('__');
    const locked = this.options.of?.map((name) => {
      if (name === 'self') return undefined;
      const relation = selected.find((r) => nameOf(r) === name);
      if (relation) return relation;
      const known = ['self', ...selected.map(nameOf)].map((n) => `'${n}'`).join(', ');
      throw new QueryError(`${model}: selectForUpdate({ of }) names "${name}", which is neither 'self' nor a relation of selectRelated() (known: ${known}).`);
    });
    const outer = (locked ?? selected).filter((r): r is SelectedRelation => r !== undefined && !this.innerJoin(relationPath(this.meta, nameOf(r))));
    if (outer.length && !dialect.locksOuterJoins) {
      const names = outer.map((r) => `'${nameOf(r)}'`).join(', ');
      throw new NotSupportedError(
        `${model}: ${dialect.displayName} cannot lock the rows of ${names}, a nullable relation (read with a LEFT JOIN): ` +
          `list what to lock without it, e.g. selectForUpdate({ of: ['self'] }).`,
      );
    }
    return { skipLocked: this.options.skipLocked, nowait: this.options.nowait, of: locked?.map((r) => (r ? r.alias : root)) };
  }
}

/** Row locking of a queryset; `QuerySet` merges this interface and takes `lockMethods` onto its prototype. */
export interface LockMethods<T extends BaseModel> {
  /**
   * The same rows, locked until the transaction ends (`SELECT … FOR UPDATE`) on PostgreSQL and MySQL/MariaDB: other transactions'
   * locking reads and writes of them wait. Runs only inside a transaction (QueryError otherwise). `skipLocked` leaves out rows
   * locked elsewhere, `nowait` fails instead of waiting; SQLite, which locks the whole database, accepts it and adds nothing.
   */
  selectForUpdate(options?: SelectForUpdateOptions): QuerySet<T>;
}

/** The implementations `QuerySet` takes. */
export const lockMethods: LockMethods<BaseModel> & ThisType<QuerySet<BaseModel>> = {
  selectForUpdate(options) {
    return this.locked('update', ForUpdate.check(this.state.meta, options));
  },
};
