import 'reflect-metadata';
import { ModelDefinitionError } from '../errors';
import { collectRawFields } from './inheritance';
import type { RawField } from './raw';

/*
 * keelson's decorators depend on three TypeScript settings: `experimentalDecorators` (legacy decorators),
 * `emitDecoratorMetadata` (`design:type`, read to infer column types) and `useDefineForClassFields: false`
 * (so declared properties do not become class fields). A project without them fails far from the cause —
 * a TypeError in reflect-metadata, "cannot infer a column type", "may not be null" — so these checks name
 * the setting instead.
 */

const TSCONFIG_DECORATORS = "keelson's decorators need `experimentalDecorators: true` (and `emitDecoratorMetadata: true`) in tsconfig.json";

/**
 * The error for a keelson decorator called as a TC39 standard decorator `(value, context)`: TypeScript 5
 * emits those when `experimentalDecorators` is off. Callers test `typeof second === 'object'` first.
 */
export function standardDecoratorError(decorator: string, context: unknown): ModelDefinitionError {
  const { kind, name } = (context ?? {}) as { kind?: unknown; name?: unknown };
  const what = kind === 'class' ? `class ${String(name)}` : `property ${String(name)}`;
  return new ModelDefinitionError(
    `${decorator} on ${what} was called as a standard (TC39) decorator: ${TSCONFIG_DECORATORS}. ` +
      'Without experimentalDecorators, TypeScript 5 emits standard decorators, which cannot record columns.',
  );
}

/** Whether reflect-metadata holds a `design:type` entry for the property (an entry whose value is undefined counts). */
export function hasDesignType(model: Function, property: string): boolean {
  return Reflect.hasMetadata('design:type', model.prototype as object, property);
}

/**
 * The error for a field whose type must be inferred but the compiler emitted no `design:type` at all
 * (tsc without `emitDecoratorMetadata`, or esbuild-based runners, which never emit it).
 */
export function noDesignTypeError(model: Function, owner: string, property: string, raws: readonly RawField[]): ModelDefinitionError {
  const others = raws.some((raw) => raw.property !== property && hasDesignType(model, raw.property));
  const scope = others ? `for ${owner}.${property}` : `for any decorated property of ${owner}`;
  return new ModelDefinitionError(
    `${owner}.${property}: no design:type metadata ${scope}: the compiler did not emit decorator metadata, so the column type cannot be inferred. ` +
      'Fix: turn on "emitDecoratorMetadata": true (with "experimentalDecorators": true) in tsconfig.json (tsc, ts-node and swc honour it), ' +
      `or state the type on each @Field, e.g. @Field({ type: 'string' }) — esbuild-based runners (tsx, vitest, esbuild) never emit decorator metadata.`,
  );
}

/** What the probe's prototype traps: legacy (assignment) semantics set properties through these setters. */
const TRAP: PropertyDescriptor = {
  configurable: true,
  set(this: object, _value: unknown) {
    // Assignment semantics: the property would go through keelson's accessor or become an own property
    // set to the constructor's value — both fine, so nothing to record.
  },
};

/**
 * Set on a class (own property, its value the class itself, so a subclass never inherits it) once its
 * constructions are known to be fine: the common case is one property read.
 */
const FIELDS_OK = Symbol.for('keelson:class-fields-ok');
/** Classes whose constructions must throw, with the error. */
const refused = new WeakMap<Function, ModelDefinitionError>();
/** Set while a probe is being constructed, so its own trip through BaseModel's constructor checks nothing. */
let probing = false;

/**
 * Why instances of `model` cannot work, when its decorated properties are class fields defined on each
 * instance (`useDefineForClassFields: true`, the default for `target` ES2022 and later): they shadow
 * keelson's relation accessors and overwrite the values given to the constructor with undefined.
 *
 * Class fields exist only on instances, so BaseModel's constructor asks at the first construction of each
 * class (rows read from the database are made without constructors and never meet the problem); the answer
 * is kept on the class. Declaring models stays as cheap as before: a probe per class at declaration would
 * cost about a third of declaring it.
 */
export function classFieldProblem(model: Function): ModelDefinitionError | null {
  if ((model as { [FIELDS_OK]?: Function })[FIELDS_OK] === model || probing) return null;
  const known = refused.get(model);
  if (known) return known;
  let problem: ModelDefinitionError | null;
  probing = true;
  try {
    problem = probeClassFields(model, collectRawFields(model));
  } finally {
    probing = false;
  }
  if (problem) refused.set(model, problem);
  else Object.defineProperty(model, FIELDS_OK, { value: model, configurable: true });
  return problem;
}

/**
 * Constructs a probe with no arguments whose prototype puts a setter on every decorated name: assignment
 * semantics leave no own property, define semantics always do. A constructor that cannot run without
 * arguments is given the benefit of the doubt (nothing can be seen then).
 */
function probeClassFields(model: Function, raws: readonly RawField[]): ModelDefinitionError | null {
  if (raws.length === 0) return null;
  const trapped = Object.create(model.prototype as object) as object;
  for (const raw of raws) Object.defineProperty(trapped, raw.property, TRAP);
  const Probe: Function = function () {};
  Probe.prototype = trapped;
  let probe: object;
  try {
    probe = Reflect.construct(model, [], Probe) as object;
  } catch {
    return null;
  }
  const shadowing = raws.find((raw) => Object.prototype.hasOwnProperty.call(probe, raw.property));
  if (!shadowing) return null;
  const { property } = shadowing;
  return new ModelDefinitionError(
    `${model.name}.${property} is a class field defined on every instance, which hides keelson's handling of it ` +
      '(values given to the constructor are overwritten with undefined, relation accessors are shadowed): ' +
      'the code was compiled with "useDefineForClassFields": true, the default for target ES2022 and later. ' +
      `Fix: set "useDefineForClassFields": false in tsconfig.json, or declare the property without emitting a field: \`@Field() declare ${property}: …;\`.`,
  );
}
