import type { Dialect } from '../../dialects';
import { QueryError } from '../../errors';
import type { FieldType } from '../../metadata/types';
import { resolveKey } from '../path';
import { CompileScope, Compiled, Expression, isExpression, OutputField, parens, TypeScope } from './expression';

/** What arithmetic takes besides another expression: a value, bound as a parameter. */
export type Operand = Expression | number | bigint | string | boolean | Date | null;

const toExpression = (value: Operand): Expression => (isExpression(value) ? value : new ValueExpression(value));

/** An expression that arithmetic can be built on: `F('views').plus(1).times(F('weight'))`. */
export abstract class Combinable extends Expression {
  /** `this + other`. */
  plus(other: Operand): Arithmetic {
    return new Arithmetic(this, '+', toExpression(other));
  }
  /** `this - other`. */
  minus(other: Operand): Arithmetic {
    return new Arithmetic(this, '-', toExpression(other));
  }
  /** `this * other`. */
  times(other: Operand): Arithmetic {
    return new Arithmetic(this, '*', toExpression(other));
  }
  /** `this / other`, always a true division (integers too: `F('a').div(2)` of 5 is 2.5 on every database). */
  div(other: Operand): Arithmetic {
    return new Arithmetic(this, '/', toExpression(other));
  }
}

/** An annotation that `name` names, when it is a plain name (no `__`) and the queryset has one. */
export function annotationNamed(scope: TypeScope, name: string): Expression | undefined {
  return name.includes('__') ? undefined : scope.annotation(name);
}

/** A column of the queried model (relation paths joined like filter keys) or an annotation: built by `F()`. */
export class FExpression extends Combinable {
  constructor(readonly path: string) {
    super();
    if (typeof path !== 'string' || path === '') throw new QueryError(`F() takes a field name or path such as "views" or "author__name", got ${String(path)}.`);
  }

  compile(scope: CompileScope): Compiled {
    const annotation = annotationNamed(scope, this.path);
    if (annotation) return parens(annotation.compile(scope));
    return { sql: '??', bindings: [scope.resolve(this.path, `F("${this.path}")`).column] };
  }

  outputField(scope: TypeScope): OutputField | undefined {
    const annotation = annotationNamed(scope, this.path);
    if (annotation) return annotation.outputField(scope);
    const { field } = resolveKey(scope.meta, this.path);
    return { type: field.type, jsKind: field.jsKind, field };
  }

  override toString(): string {
    return `F("${this.path}")`;
  }
}

/** The output of a JS value: what it binds as and reads back as. */
function valueOutput(value: unknown): OutputField | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? { type: 'integer', jsKind: 'number' } : { type: 'float', jsKind: 'number' };
    case 'bigint':
      return { type: 'bigint', jsKind: 'bigint' };
    case 'string':
      return { type: 'string', jsKind: 'string' };
    case 'boolean':
      return { type: 'boolean', jsKind: 'other' };
  }
  return value instanceof Date ? { type: 'datetime', jsKind: 'date' } : undefined;
}

/** A bound value used as an expression (an annotation, an operand, an order term): built by `Value()`. */
export class ValueExpression extends Combinable {
  constructor(readonly value: unknown) {
    super();
    if (value !== null && valueOutput(value) === undefined)
      throw new QueryError(`Value() takes a number, bigint, string, boolean, Date or null, got ${Object.prototype.toString.call(value)}.`);
  }

  compile(scope: CompileScope): Compiled {
    const output = valueOutput(this.value);
    return { sql: '?', bindings: [output ? scope.dialect.toDb(output.type, this.value) : this.value] };
  }

  outputField(): OutputField | undefined {
    return valueOutput(this.value);
  }

  override convert(value: unknown, dialect: Dialect, output: OutputField | undefined): unknown {
    // A bare parameter in a select list comes back as text where the database cannot tell its type.
    if (typeof this.value === 'boolean' && typeof value === 'string') return value === 'true' || value === 't' || value === '1';
    return super.convert(value, dialect, output);
  }

  override toString(): string {
    return `Value(${JSON.stringify(this.value)})`;
  }
}

const INTEGERS = new Set<FieldType>(['smallint', 'integer', 'bigint']);

/** The type of `left op right`: true division gives floats (decimals stay decimal); otherwise the wider number type. */
function arithmeticOutput(op: string, left: OutputField | undefined, right: OutputField | undefined): OutputField | undefined {
  const types = [left?.type, right?.type];
  if (types.includes('decimal')) return { type: 'decimal', jsKind: 'string' };
  if (op === '/' || types.includes('float')) return { type: 'float', jsKind: 'number' };
  if (left && right && INTEGERS.has(left.type) && INTEGERS.has(right.type)) {
    return types.includes('bigint')
      ? { type: 'bigint', jsKind: left.jsKind === 'bigint' || right.jsKind === 'bigint' ? 'bigint' : 'number' }
      : { type: 'integer', jsKind: 'number' };
  }
  return left ? { type: left.type, jsKind: left.jsKind } : undefined;
}

/** `left op right`, built by `plus` / `minus` / `times` / `div`. */
export class Arithmetic extends Combinable {
  constructor(
    readonly left: Expression,
    readonly op: '+' | '-' | '*' | '/',
    readonly right: Expression,
  ) {
    super();
  }

  override children(): readonly Expression[] {
    return [this.left, this.right];
  }

  compile(scope: CompileScope): Compiled {
    const l = this.left.compile(scope);
    const r = this.right.compile(scope);
    // `* 1e0` makes an integer division a true one everywhere (PostgreSQL and SQLite truncate integers); a float
    // literal rather than `1.0`, which MySQL reads as a decimal and then rounds quotients to 4 places.
    const sql = this.op === '/' ? `(${l.sql} * 1e0 / ${r.sql})` : `(${l.sql} ${this.op} ${r.sql})`;
    return { sql, bindings: [...l.bindings, ...r.bindings] };
  }

  outputField(scope: TypeScope): OutputField | undefined {
    return arithmeticOutput(this.op, this.left.outputField(scope), this.right.outputField(scope));
  }

  override toString(): string {
    return `(${String(this.left)} ${this.op} ${String(this.right)})`;
  }
}

/** `F('field__path')`: a column of the queried model (relation paths joined like filter keys), or an annotation by name. */
export function F(path: string): FExpression {
  return new FExpression(path);
}

/** `Value(x)`: a number, bigint, string, boolean, Date or null bound as a parameter, usable as an expression. */
export function Value(value: unknown): ValueExpression {
  return new ValueExpression(value);
}
