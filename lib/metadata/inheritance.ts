import { ownModelOptions, ownRawFields, ModelOptions, RawField } from './raw';

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

/** Raw fields of the class and every ancestor; a subclass's declaration replaces its parent's. */
export function collectRawFields(ctor: Function): RawField[] {
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
