import type { Database } from '../database/database';
import { maskUrl } from '../database/url';
import { DatabaseError } from '../errors';
import { logger } from './logger';

type LifecycleKind = 'connect' | 'disconnect';

/** A `DatabaseError` naming the alias and the masked URL, with the original error as `cause`. */
function connectError(alias: string, db: Database, error: unknown): DatabaseError {
  const prefix = `Could not connect to ${db.url}: `;
  let reason = error instanceof Error ? error.message : String(error);
  if (reason.startsWith(prefix)) reason = reason.slice(prefix.length);
  const code = error instanceof DatabaseError ? error.code : db.driver.errorCode(error);
  return new DatabaseError(`Could not connect database "${alias}" (${db.url}): ${maskUrl(reason)}`, error, code);
}

/**
 * A registry's connect / disconnect: one queue of operations in call order, the databases opened and closed
 * in order, and the connect steps (`ready` hooks) run once per connection, all-or-none.
 */
export class Lifecycle {
  /** True after a `connect()` whose hooks ran, until the next `disconnect()`. */
  private ready = false;
  /** The last queued lifecycle operation; a repeated call of the same kind shares it. */
  private pending?: { kind: LifecycleKind; promise: Promise<unknown> };
  /** Lifecycle operations run one after another, in call order. */
  private tail: Promise<unknown> = Promise.resolve();

  /** `databases()` lists every `[alias, Database]`, primary first; `onReady` runs the connect steps. */
  constructor(
    private readonly databases: () => [string, Database][],
    private readonly onReady: () => Promise<void>,
  ) {}

  /**
   * Queues a lifecycle operation behind the ones already queued. Calling `connect()` (or `disconnect()`)
   * while the last queued operation is of the same kind joins it instead of queueing another.
   */
  enqueue<T>(kind: LifecycleKind, run: () => Promise<T>): Promise<T> {
    const pending = this.pending;
    if (pending?.kind === kind) return pending.promise as Promise<T>;
    const promise = this.tail.then(run);
    const entry = { kind, promise };
    this.pending = entry;
    this.tail = promise
      .catch(() => undefined)
      .then(() => {
        if (this.pending === entry) this.pending = undefined;
      });
    return promise;
  }

  /**
   * Connects every database not connected yet, in order, then runs the connect steps unless they already
   * ran for this connection. If any step fails, disconnects the databases this call connected, in reverse
   * order, and rethrows.
   */
  async open(): Promise<void> {
    const connected: Database[] = [];
    try {
      for (const [alias, db] of this.databases()) {
        if (db.isConnected) continue;
        try {
          await db.connect();
        } catch (error) {
          throw connectError(alias, db, error);
        }
        connected.push(db);
      }
      if (!this.ready) {
        await this.onReady();
        this.ready = true;
      }
    } catch (error) {
      for (const db of connected.reverse()) {
        await db.disconnect().catch((cleanup: unknown) => logger.warn(`Disconnecting ${db.url} after a failed connect failed: ${String(cleanup)}`));
      }
      throw error;
    }
  }

  /** Disconnects every database in reverse order; the first failure is rethrown after trying them all. */
  async close(): Promise<void> {
    this.ready = false;
    let failure: unknown;
    for (const [alias, db] of this.databases().reverse()) {
      try {
        await db.disconnect();
      } catch (error) {
        failure ??= db.wrapError(error, `Could not disconnect database "${alias}" (${db.url})`);
      }
    }
    if (failure) throw failure;
  }
}
