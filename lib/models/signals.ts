import { ConfigurationError } from '../errors';
import type { ModelClass } from '../metadata/types';
import type { BaseModel } from './base-model';

/**
 * A signal receiver: `(sender, instance, extra) => …`; awaited in connection order. `I` is what `instance`
 * may be: preUpdate/postUpdate also get null, from queryset `update()`. Declared as a method so receivers
 * typed `(sender, instance: User, extra)` still connect.
 */
export type Receiver<I extends BaseModel | null = BaseModel> = {
  receive(sender: ModelClass, instance: I, extra: Record<string, unknown>): unknown;
}['receive'];

/** One signal of one model: receivers connected to it run, in order, when the model sends it. */
export class Signal<I extends BaseModel | null = BaseModel> {
  private receivers: Receiver<I>[] = [];

  constructor(
    /** `Model.preSave` and so on, for messages. */
    readonly name: string,
  ) {}

  /** Adds a receiver (once: connecting the same function twice keeps one). */
  connect(receiver: Receiver<I>): void {
    if (typeof receiver !== 'function') {
      throw new ConfigurationError(`${this.name}.connect() takes a function (sender, instance, extra) => …, got ${typeof receiver}.`);
    }
    if (!this.receivers.includes(receiver)) this.receivers = [...this.receivers, receiver];
  }

  /** Removes a receiver; returns whether it was connected. */
  disconnect(receiver: Receiver<I>): boolean {
    const before = this.receivers.length;
    this.receivers = this.receivers.filter((r) => r !== receiver);
    return this.receivers.length !== before;
  }

  /** Whether any receiver is connected (lets write paths skip the work). */
  get hasReceivers(): boolean {
    return this.receivers.length > 0;
  }

  /** Runs every receiver in order; a throwing receiver stops the operation. */
  async send(sender: ModelClass, instance: I, extra: Record<string, unknown> = {}): Promise<void> {
    for (const receiver of this.receivers) await receiver(sender, instance, extra);
  }

  /** A signal with the same receivers (for registry copies). */
  copy(): Signal<I> {
    const signal = new Signal<I>(this.name);
    signal.receivers = [...this.receivers];
    return signal;
  }
}

const SIGNAL_NAMES = ['preSave', 'postSave', 'preUpdate', 'postUpdate', 'preDelete', 'postDelete'] as const;
type SignalName = (typeof SIGNAL_NAMES)[number];

/**
 * The six lifecycle signals of a model. Each `Signal` is made on first use: most models never connect a
 * receiver, and registries with thousands of models (and their copies) should not pay for six each.
 */
export class ModelSignals {
  /** The signals made so far (none until one is used). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each signal is typed by its accessor
  private made?: Partial<Record<SignalName, Signal<any>>>;

  constructor(
    private readonly modelName: string,
    from?: ModelSignals,
  ) {
    const made = from?.made;
    if (made) {
      this.made = {};
      for (const key of SIGNAL_NAMES) if (made[key]) this.made[key] = made[key]!.copy();
    }
  }

  private signal<I extends BaseModel | null = BaseModel>(key: SignalName): Signal<I> {
    return ((this.made ??= {})[key] ??= new Signal<I>(`${this.modelName}.signals.${key}`));
  }

  get preSave(): Signal {
    return this.signal('preSave');
  }
  get postSave(): Signal {
    return this.signal('postSave');
  }
  /** `instance` is null when a queryset `update()` sends it (`extra` then has `queryset` and `values`). */
  get preUpdate(): Signal<BaseModel | null> {
    return this.signal('preUpdate');
  }
  /** `instance` is null when a queryset `update()` sends it (`extra` then has `queryset`, `values`, `count`). */
  get postUpdate(): Signal<BaseModel | null> {
    return this.signal('postUpdate');
  }
  get preDelete(): Signal {
    return this.signal('preDelete');
  }
  get postDelete(): Signal {
    return this.signal('postDelete');
  }
}
