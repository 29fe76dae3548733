import { QueryError } from '../../errors';
import type { FieldMeta, FieldType, ModelMeta } from '../../metadata/types';
import { resolveKey } from '../path';
import { Q, type Lookups } from '../q';
import { AggregateLike, CompileScope, Compiled, OutputField, parens, TypeScope } from './expression';
import { annotationNamed, Combinable } from './f';
import { someKey } from './lookup-sql';

/** Options of every aggregate: only rows matching `filter` (lookups or a `Q`, keys from the queried model) count. */
export interface AggregateOptions {
  filter?: Lookups | Q;
}

/** Options of `Count`: `distinct` counts each distinct value once. */
export interface CountOptions extends AggregateOptions {
  distinct?: boolean;
}

type AggregateFunction = 'count' | 'sum' | 'avg' | 'min' | 'max';

const NUMBERS = new Set<FieldType>(['smallint', 'integer', 'bigint', 'float', 'decimal']);
/** Min and Max need an order: numbers, text, dates and times, uuids and enum values have one everywhere. */
const ORDERED = new Set<FieldType>([...NUMBERS, 'string', 'text', 'date', 'datetime', 'time', 'uuid', 'enum']);

const FUNCTION_NAMES: Record<AggregateFunction, string> = { count: 'Count', sum: 'Sum', avg: 'Avg', min: 'Min', max: 'Max' };

/** The base of `Count`, `Sum`, `Avg`, `Min` and `Max`. */
export abstract class Aggregate extends Combinable implements AggregateLike {
  abstract readonly fn: AggregateFunction;

  constructor(
    readonly path: string | undefined,
    readonly distinct: boolean,
    readonly filter: Lookups | Q | undefined,
  ) {
    super();
    if (path !== undefined && (typeof path !== 'string' || path === '')) throw new QueryError(`An aggregate takes a field name or path, got ${String(path)}.`);
    if (filter !== undefined && (typeof filter !== 'object' || filter === null)) throw new QueryError('An aggregate\'s "filter" takes lookups or a Q.');
  }

  override get containsAggregate(): boolean {
    return true;
  }

  override toString(): string {
    return `${FUNCTION_NAMES[this.fn]}(${this.path === undefined ? '' : JSON.stringify(this.path)})`;
  }

  compile(scope: CompileScope): Compiled {
    if (!scope.aggregate)
      throw new QueryError(
        `${String(this)}: an aggregate cannot be used in ${scope.place === 'filter' ? 'a filter value' : `an ${scope.place}`}; annotate() it and filter on the annotation's name.`,
      );
    return scope.aggregate(this);
  }

  /** The field the path reaches, checked for this aggregate (a column, of a type it can aggregate); undefined for an annotation or rows. */
  field(scope: TypeScope): FieldMeta | undefined {
    const path = this.path;
    if (path === undefined || annotationNamed(scope, path)) return undefined;
    const resolved = resolveKey(scope.meta, path);
    const parts = path.split('__');
    const last = parts[parts.length - 1];
    if (resolved.lookup !== 'exact' || last === 'exact') throw new QueryError(`${String(this)}: an aggregate takes a field path, not a lookup.`);
    // The path ends on a relation (`author`, `posts_set`) rather than on one of its columns.
    const relation = resolved.hops.length === parts.length || (resolved.field.relation !== undefined && last === resolved.field.name);
    if (this.fn === 'count') return resolved.field;
    if (relation) throw new QueryError(`${String(this)}: "${path}" is a relation; aggregate one of its columns (such as "${path}__id"), or Count it.`);
    const allowed = this.fn === 'min' || this.fn === 'max' ? ORDERED : NUMBERS;
    if (!allowed.has(resolved.field.type)) {
      throw new QueryError(
        `${String(this)}: ${resolved.field.name} is a ${resolved.field.type} field; ${FUNCTION_NAMES[this.fn]} takes ${this.fn === 'min' || this.fn === 'max' ? 'numbers, text, dates, times, uuids or enums' : 'number fields (integer, float, decimal)'}.`,
      );
    }
    return resolved.field;
  }

  /** Whether the path or the filter crosses a relation that repeats rows of `meta` (reverse FK, many-to-many). */
  multiValued(scope: TypeScope): boolean {
    const meta: ModelMeta = scope.meta;
    const mv = (key: string) => !annotationNamed(scope, key.split('__')[0]) && resolveKey(meta, key).multiValued;
    if (this.path !== undefined && mv(this.path)) return true;
    if (this.filter === undefined) return false;
    return someKey([this.filter], (key) => mv(key));
  }

  /** `fn([distinct] argument)` over the rows of `scope`. */
  compileOver(scope: CompileScope): Compiled {
    const context = String(this);
    let argument: Compiled = { sql: '*', bindings: [] };
    if (this.path !== undefined) {
      const annotation = annotationNamed(scope, this.path);
      if (annotation?.containsAggregate) throw new QueryError(`${context}: "${this.path}" is an aggregate annotation; aggregates cannot nest.`);
      this.field(scope);
      argument = annotation ? parens(annotation.compile(scope)) : { sql: '??', bindings: [scope.resolve(this.path, context).column] };
    } else if (this.distinct) throw new QueryError('Count(undefined, { distinct: true }): name the field whose distinct values to count.');
    if (this.filter !== undefined) {
      if (!scope.condition) throw new QueryError(`${context}: the filter option is not available here.`);
      const condition = scope.condition([this.filter], context);
      const value = this.path === undefined ? { sql: '1', bindings: [] } : argument;
      argument = { sql: `case when ${condition.sql} then ${value.sql} end`, bindings: [...condition.bindings, ...value.bindings] };
    }
    // An average of integers as a float everywhere (MySQL's is a decimal rounded to 4 places).
    if (this.fn === 'avg' && this.outputField(scope)?.type === 'float') {
      return { sql: scope.dialect.floatAverage(argument.sql, this.distinct), bindings: argument.bindings };
    }
    return { sql: `${this.fn}(${this.distinct ? 'distinct ' : ''}${argument.sql})`, bindings: argument.bindings };
  }

  outputField(scope: TypeScope): OutputField | undefined {
    if (this.fn === 'count') return { type: 'integer', jsKind: 'number' };
    const annotation = this.path === undefined ? undefined : annotationNamed(scope, this.path);
    const source = annotation ? annotation.outputField(scope) : fieldOutput(this.field(scope));
    if (!source) return undefined;
    if (this.fn === 'avg') return source.type === 'decimal' ? { type: 'decimal', jsKind: source.jsKind } : { type: 'float', jsKind: 'number' };
    return { type: source.type, jsKind: source.jsKind, field: this.fn === 'sum' ? undefined : source.field };
  }
}

const fieldOutput = (field: FieldMeta | undefined): OutputField | undefined => (field ? { type: field.type, jsKind: field.jsKind, field } : undefined);

/** `Count()` counts rows; `Count('path')` non-null values (related rows for a relation). Over no rows: 0. */
export class CountAggregate extends Aggregate {
  readonly fn = 'count' as const;

  override convert(value: unknown): unknown {
    return value === null || value === undefined ? 0 : Number(value);
  }
}

class SumAggregate extends Aggregate {
  readonly fn = 'sum';
}
class AvgAggregate extends Aggregate {
  readonly fn = 'avg';
}
class MinAggregate extends Aggregate {
  readonly fn = 'min';
}
class MaxAggregate extends Aggregate {
  readonly fn = 'max';
}

/** `Count(path?, { distinct?, filter? })`: rows (no path), or non-null values of a column or related rows. */
export function Count(path?: string, options: CountOptions = {}): CountAggregate {
  return new CountAggregate(path, options.distinct === true, options.filter);
}

/** `Sum(path, { filter? })` of a number field: a number (a string for decimals, a bigint for bigint fields read as bigints); null over no rows. */
export function Sum(path: string, options: AggregateOptions = {}): Aggregate {
  return new SumAggregate(path, false, options.filter);
}

/** `Avg(path, { filter? })` of a number field: a number (a string for decimals); null over no rows. */
export function Avg(path: string, options: AggregateOptions = {}): Aggregate {
  return new AvgAggregate(path, false, options.filter);
}

/** `Min(path, { filter? })`: the smallest value, converted like the field's own values; null over no rows. */
export function Min(path: string, options: AggregateOptions = {}): Aggregate {
  return new MinAggregate(path, false, options.filter);
}

/** `Max(path, { filter? })`: the largest value, converted like the field's own values; null over no rows. */
export function Max(path: string, options: AggregateOptions = {}): Aggregate {
  return new MaxAggregate(path, false, options.filter);
}

/** Whether `value` is one of the aggregates above. */
export const isAggregate = (value: unknown): value is Aggregate => value instanceof Aggregate;
