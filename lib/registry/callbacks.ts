import type { ModelClass, ModelMeta } from '../metadata/types';

/** Binds `owner.property` to its target once the target exists (`bindForeignKey`, `bindManyToMany`…). */
export type RelationBind = (owner: ModelMeta, property: string, target: ModelClass) => void;

/**
 * A callback waiting for a model: a plain callback, or a relation of `owner` to bind. A relation keeps its
 * parts (not a closure and a description) so that deferring one allocates a single object.
 */
interface Waiting {
  callback: ((model: ModelClass) => void) | undefined;
  oneTime: boolean;
  owner: ModelMeta | undefined;
  property: string | undefined;
  bind: RelationBind | undefined;
  /** The waiter's name after `Owner.` when it is not the property (`tags (through)`). */
  label: string | undefined;
}

/** `Owner.field` (or `Owner.label`) of a relation waiting for its target, for messages. */
export function waiterName(owner: ModelMeta, property: string, label?: string): string {
  return `${owner.name}.${label ?? property}`;
}

/** Deferred callbacks keyed by model name: run when a model of that name is registered. */
export class ModelCallbacks {
  private readonly byName = new Map<string, Waiting[]>();
  /** Relation waiters still pending; kept as a count because every query checks it. */
  private waiters = 0;

  add(name: string, callback: (model: ModelClass) => void, oneTime: boolean): void {
    this.push(name, { callback, oneTime, owner: undefined, property: undefined, bind: undefined, label: undefined });
  }

  /** A relation of `owner` waiting for the model `name`: `bind(owner, property, model)` when it registers (once). */
  addRelation(name: string, owner: ModelMeta, property: string, bind: RelationBind, label?: string): void {
    this.waiters++;
    this.push(name, { callback: undefined, oneTime: true, owner, property, bind, label });
  }

  private push(name: string, entry: Waiting): void {
    const list = this.byName.get(name);
    if (list) list.push(entry);
    else this.byName.set(name, [entry]);
  }

  /** Runs the callbacks waiting on `name` with `model`; one-time ones are dropped first, so a throw cannot rerun them. */
  run(name: string, model: ModelClass): void {
    const list = this.byName.get(name);
    if (!list) return;
    let remaining: Waiting[] | undefined;
    for (const w of list) {
      if (!w.oneTime) (remaining ??= []).push(w);
      else if (w.bind) this.waiters--;
    }
    if (remaining) this.byName.set(name, remaining);
    else this.byName.delete(name);
    for (const w of list) {
      if (w.bind) w.bind(w.owner!, w.property!, model);
      else w.callback!(model);
    }
  }

  /** Relation waiters still unresolved: `[missing model, waiter]` pairs. */
  unresolved(): [string, string][] {
    const out: [string, string][] = [];
    for (const [name, list] of this.byName) for (const w of list) if (w.bind) out.push([name, waiterName(w.owner!, w.property!, w.label)]);
    return out;
  }

  /** Number of relation waiters still pending (cheap check on hot paths). */
  get pendingRelations(): number {
    return this.waiters;
  }
}
