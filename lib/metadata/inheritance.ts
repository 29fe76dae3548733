import { ownModelOptions, ownRawFields, ModelOptions, RawField } from './raw';
import { className } from './types';
import type { ModelDeclaration } from './types';

/** The class and its ancestors, root first, stopping below keelson's own base classes. */
export function classChain(ctor: Function): Function[] {
  const chain: Function[] = [];
  for (let c: Function | null = ctor; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if ((c as { [BASE]?: boolean })[BASE] && Object.prototype.hasOwnProperty.call(c, BASE)) break;
    chain.push(c);
  }
  return chain.reverse();
}

/** Marks keelson's own base classes (BaseModel, ReflectModel…) so the chain walk stops there. */
export const BASE = Symbol.for('keelson:base-class');

/** Marks ReflectModel: its subclasses are reflected models unless they say `reflect: false`. */
export const REFLECTED = Symbol.for('keelson:reflected-base');

/**
 * Raw fields of the class and every ancestor; a subclass's declaration replaces its parent's. Read-only:
 * when a single class of the chain declares fields (the common case, and every registry copy's class)
 * this is that class's own list.
 */
export function collectRawFields(ctor: Function): readonly RawField[] {
  let only: RawField[] | undefined;
  let several = false;
  for (let c: Function | null = ctor; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if ((c as { [BASE]?: boolean })[BASE] && Object.prototype.hasOwnProperty.call(c, BASE)) break;
    const own = ownRawFields(c);
    if (!own.length) continue;
    if (only) several = true;
    only = own;
  }
  if (!only) return [];
  if (!several) return only;
  const byProperty = new Map<string, RawField>();
  for (const c of classChain(ctor)) for (const raw of ownRawFields(c)) byProperty.set(raw.property, raw);
  return [...byProperty.values()];
}

/** An option a parent model set that a subclass inherits when it does not set it itself. */
export function inheritedOption<K extends keyof ModelOptions>(ctor: Function, key: K): ModelOptions[K] | undefined {
  // Most-derived class first; stops below keelson's base classes like classChain.
  for (let c: Function | null = ctor; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if ((c as { [BASE]?: boolean })[BASE] && Object.prototype.hasOwnProperty.call(c, BASE)) break;
    const value = ownModelOptions(c)?.[key];
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Reads what a model class declares, in one walk up its chain: the raw fields (`collectRawFields`), its own
 * `@Model` options, and the `tablePrefix` and `database` it inherits (`inheritedOption`).
 */
export function declarationOf(model: Function): ModelDeclaration {
  let tablePrefix: string | undefined;
  let database: string | undefined;
  let only: RawField[] | undefined;
  let several = false;
  for (let c: Function | null = model; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if ((c as { [BASE]?: boolean })[BASE] && Object.prototype.hasOwnProperty.call(c, BASE)) break;
    const options = ownModelOptions(c);
    if (options !== undefined) {
      if (tablePrefix === undefined) tablePrefix = options.tablePrefix;
      if (database === undefined) database = options.database;
    }
    const raws = ownRawFields(c);
    if (!raws.length) continue;
    if (only) several = true;
    only = raws;
  }
  return {
    className: className(model),
    fields: several ? collectRawFields(model) : (only ?? []),
    options: ownModelOptions(model),
    tablePrefix,
    database,
    reflected: (model as { [REFLECTED]?: boolean })[REFLECTED] === true,
  };
}

/** The descriptor of a class's `name` (one object, its value set for each `defineProperty`). */
const NAME_PROPERTY: PropertyDescriptor = { value: '', writable: false, enumerable: false, configurable: true };

/**
 * `class extends parent {}` named `name`, the property `{ [name]: class extends parent {} }[name]` gives it.
 * Defining the name costs the same whatever the number of names, while every distinct computed key adds a
 * map transition that V8 keeps for the first ~1,500 keys only (measured: 2.6 µs a class among 1,000 names,
 * 4.1 µs among 5,000). Registry copies and synthesized through models make one class per model.
 */
export function namedSubclass<T extends Function>(parent: T, name: string): T {
  const Subclass = class extends (parent as unknown as new (...args: never[]) => object) {};
  NAME_PROPERTY.value = name;
  Object.defineProperty(Subclass, 'name', NAME_PROPERTY);
  NAME_PROPERTY.value = '';
  return Subclass as unknown as T;
}
