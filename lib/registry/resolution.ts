import { ModelDefinitionError } from '../errors';
import { classMeta } from '../metadata/types';
import type { ModelClass, ModelMeta, RelationTarget } from '../metadata/types';
import { BaseModel } from '../models/base-model';
import { ModelCallbacks, waiterName } from './callbacks';
import type { RelationBind } from './callbacks';

/**
 * Evaluates a relation thunk. Under CommonJS a class imported in a cycle is still `undefined`; under ESM
 * touching it throws a ReferenceError (temporal dead zone). Both mean "not yet".
 */
function callThunk(thunk: () => ModelClass | undefined): ModelClass | undefined {
  try {
    return thunk();
  } catch (error) {
    if (error instanceof ReferenceError) return undefined;
    throw error;
  }
}

/**
 * A model class: its prototype inherits from BaseModel's. A subclass of BaseModel passes on its class chain
 * alone, without reading its `prototype` (V8 sets a new class's prototype up on first read).
 */
export const isModelClass = (v: unknown): v is ModelClass =>
  typeof v === 'function' && (Object.prototype.isPrototypeOf.call(BaseModel, v) || v.prototype instanceof BaseModel);

/** A thunk target whose class did not exist yet (a circular import still evaluating). */
interface PendingThunk {
  owner: ModelMeta;
  property: string;
  label?: string;
  thunk: () => ModelClass | undefined;
  bind: RelationBind;
}

/**
 * Resolves relation targets of one registry: string names through deferred callbacks, classes and thunks
 * now or later, and classes of another registry (after `copy()`) by name.
 */
export class RelationResolver {
  /** Classes of another registry that relations here resolve by name instead (set by `copy()`). */
  readonly renames = new Map<Function, string>();
  private readonly pendingThunks: PendingThunk[] = [];

  /** `find(name)` is the registry's declared or reflected model of that name. */
  constructor(
    private readonly callbacks: ModelCallbacks,
    private readonly find: (name: string) => ModelClass | undefined,
  ) {}

  /**
   * Calls `bind(owner, property, target)` once the target of `owner.property` exists: now for a class or a
   * thunk that returns one, else when a model of that name registers (string) or at the next resolution
   * (thunk). `label` names the waiter in messages when it is not the property.
   */
  resolveTarget(owner: ModelMeta, property: string, target: RelationTarget, bind: RelationBind, label?: string): void {
    if (typeof target === 'string') {
      const found = this.find(target);
      if (found) bind(owner, property, found);
      else this.callbacks.addRelation(target, owner, property, bind, label);
      return;
    }
    if (isModelClass(target)) {
      this.bindClass(owner, property, label, target, bind);
      return;
    }
    if (typeof target === 'function') {
      const thunk = target as () => ModelClass | undefined;
      const resolved = callThunk(thunk);
      if (resolved) this.bindClass(owner, property, label, resolved, bind);
      else this.pendingThunks.push({ owner, property, label, thunk, bind });
      return;
    }
    throw new ModelDefinitionError(`${waiterName(owner, property, label)}: a relation target must be a model name, a model class or a thunk (() => Model).`);
  }

  private bindClass(owner: ModelMeta, property: string, label: string | undefined, target: ModelClass, bind: RelationBind): void {
    const renamed = this.renames.get(target);
    if (renamed !== undefined) {
      // A relation copied from another registry: point it at this registry's model of that name.
      const found = this.find(renamed);
      if (found) bind(owner, property, found);
      else this.callbacks.addRelation(renamed, owner, property, bind, label);
      return;
    }
    if (!isModelClass(target)) {
      throw new ModelDefinitionError(
        `${waiterName(owner, property, label)}: the relation target ${String((target as Function)?.name ?? target)} is not a model class.`,
      );
    }
    const meta = Object.prototype.hasOwnProperty.call(target, 'meta') ? classMeta(target) : undefined;
    if (meta && !meta.abstract) {
      bind(owner, property, target);
      return;
    }
    if (meta?.abstract) throw new ModelDefinitionError(`${waiterName(owner, property, label)}: ${target.name} is abstract and has no table to point at.`);
    // Declared but its @Model has not run yet (decorators of a class run before the class is returned).
    this.callbacks.addRelation(target.name, owner, property, bind, label);
  }

  /**
   * Resolves thunk targets that can now be evaluated and throws `ModelDefinitionError` for any
   * reference still missing. Runs before metadata is built and before queries.
   */
  ensureResolved(): void {
    if (this.pendingThunks.length) {
      const pending = this.pendingThunks.splice(0);
      for (const p of pending) {
        const model = callThunk(p.thunk);
        if (model) this.bindClass(p.owner, p.property, p.label, model, p.bind);
        else this.pendingThunks.push(p);
      }
    }
    if (this.pendingThunks.length || this.callbacks.pendingRelations) {
      const missing = [
        ...this.callbacks.unresolved().map(([name, waiter]) => `${waiter} points at "${name}", which is not registered`),
        ...this.pendingThunks.map((p) => `${waiterName(p.owner, p.property, p.label)} has a thunk that still returns undefined`),
      ];
      throw new ModelDefinitionError(
        `Unresolved relations: ${missing.join('; ')}. Declare the missing model with @Model in this registry (and import its module), or fix the name.`,
      );
    }
  }
}
