import { ConfigurationError } from '../errors';
import type { ModelClass } from '../metadata/types';
import type { BaseModel } from './base-model';

/** A signal receiver: `(sender, instance, extra) => …`; awaited in connection order. */
export type Receiver = (sender: ModelClass, instance: BaseModel, extra: Record<string, unknown>) => unknown;

/** One signal of one model: receivers connected to it run, in order, when the model sends it. */
export class Signal {
  private receivers: Receiver[] = [];

  constructor(
    /** `Model.preSave` and so on, for messages. */
    readonly name: string,
  ) {}

  /** Adds a receiver (once: connecting the same function twice keeps one). */
  connect(receiver: Receiver): void {
    if (typeof receiver !== 'function') {
      throw new ConfigurationError(`${this.name}.connect() takes a function (sender, instance, extra) => …, got ${typeof receiver}.`);
    }
    if (!this.receivers.includes(receiver)) this.receivers = [...this.receivers, receiver];
  }

  /** Removes a receiver; returns whether it was connected. */
  disconnect(receiver: Receiver): boolean {
    const before = this.receivers.length;
    this.receivers = this.receivers.filter((r) => r !== receiver);
    return this.receivers.length !== before;
  }

  /** Whether any receiver is connected (lets write paths skip the work). */
  get hasReceivers(): boolean {
    return this.receivers.length > 0;
  }

  /** Runs every receiver in order; a throwing receiver stops the operation. */
  async send(sender: ModelClass, instance: BaseModel, extra: Record<string, unknown> = {}): Promise<void> {
    for (const receiver of this.receivers) await receiver(sender, instance, extra);
  }

  /** A signal with the same receivers (for registry copies). */
  copy(): Signal {
    const signal = new Signal(this.name);
    signal.receivers = [...this.receivers];
    return signal;
  }
}

/** The six lifecycle signals of a model. */
export class ModelSignals {
  readonly preSave: Signal;
  readonly postSave: Signal;
  readonly preUpdate: Signal;
  readonly postUpdate: Signal;
  readonly preDelete: Signal;
  readonly postDelete: Signal;

  constructor(modelName: string, from?: ModelSignals) {
    const make = (key: keyof ModelSignals & string) => from?.[key] instanceof Signal ? (from[key] as Signal).copy() : new Signal(`${modelName}.signals.${key}`);
    this.preSave = make('preSave');
    this.postSave = make('postSave');
    this.preUpdate = make('preUpdate');
    this.postUpdate = make('postUpdate');
    this.preDelete = make('preDelete');
    this.postDelete = make('postDelete');
  }
}
