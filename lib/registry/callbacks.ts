import type { ModelClass } from '../metadata/types';

/** A callback waiting for a model, with a description used when it never arrives. */
interface Waiting {
  callback: (model: ModelClass) => void;
  oneTime: boolean;
  /** `Owner.field` for relation callbacks, so an unresolved name can be reported precisely. */
  waiter?: string;
}

/** Deferred callbacks keyed by model name: run when a model of that name is registered. */
export class ModelCallbacks {
  private readonly byName = new Map<string, Waiting[]>();
  /** Relation waiters still pending; kept as a count because every query checks it. */
  private waiters = 0;

  add(name: string, callback: (model: ModelClass) => void, oneTime: boolean, waiter?: string): void {
    const list = this.byName.get(name);
    const entry = { callback, oneTime, waiter };
    if (waiter) this.waiters++;
    if (list) list.push(entry);
    else this.byName.set(name, [entry]);
  }

  /** Runs the callbacks waiting on `name` with `model`; one-time ones are dropped first, so a throw cannot rerun them. */
  run(name: string, model: ModelClass): void {
    const list = this.byName.get(name);
    if (!list) return;
    const remaining = list.filter((w) => !w.oneTime);
    if (remaining.length) this.byName.set(name, remaining);
    else this.byName.delete(name);
    for (const w of list) if (w.waiter && w.oneTime) this.waiters--;
    for (const w of list) w.callback(model);
  }

  /** Relation waiters still unresolved: `[missing model, waiter]` pairs. */
  unresolved(): [string, string][] {
    const out: [string, string][] = [];
    for (const [name, list] of this.byName) for (const w of list) if (w.waiter) out.push([name, w.waiter]);
    return out;
  }

  /** Number of relation waiters still pending (cheap check on hot paths). */
  get pendingRelations(): number {
    return this.waiters;
  }
}
