/** Where a keyset read starts: after these keyset values, or (undefined) at the start. */
export type After = readonly unknown[] | undefined;

/** What `keysetChunks` reads with: the chunks of one queryset in keyset order. */
export interface ChunkReader<T> {
  /**
   * Up to the chunk size of items after `after`. A `stepped` read may come back short of its last items (see
   * `Dialect.stepsRows`). `onFull` hears where the next read starts as soon as a full chunk's rows are in, before
   * they become items, so that read can start while they do.
   */
  read(after: After, stepped: boolean, onFull: ((next: unknown[]) => void) | undefined): Promise<T[]>;
  /** The keyset values of an item, to read after it. */
  valuesOf(item: T): Promise<unknown[]>;
}

/** A chunk read: its items, where the next read starts and whether it steps (none after the last chunk), that read when already started. */
interface Chunk<T> {
  items: T[];
  next: { after: After; stepped: boolean } | undefined;
  following: Read<T> | undefined;
}

/** A read under way, and whether the loop waits for it already (only then may it start the read after it). */
interface Read<T> {
  chunk: Promise<Chunk<T>>;
  awaited: boolean;
}

/**
 * The chunks of `reader`, `size` items each but the last. With `ahead` (outside a transaction) the next chunk is
 * read while the consumer works through this one, at most one chunk ahead: the database, or SQLite's worker
 * thread, then runs alongside the loop body instead of after it. The chunk the loop waits for starts the read
 * after it as soon as its rows are in, before they become items; a chunk read ahead does not, or reads would run
 * on to the end of the table ahead of a slow consumer. Inside a transaction each chunk is read only when needed,
 * so it sees what the loop body wrote. With `stepping`, reads step (see `Dialect.stepsRows`): a short stepped
 * chunk is not taken for the last one, a read that does not step after its last item tells.
 */
export async function* keysetChunks<T>(reader: ChunkReader<T>, size: number, options: { ahead: boolean; stepping: boolean }): AsyncGenerator<T[]> {
  const { ahead, stepping } = options;
  let stopped = false;
  const read = (after: After, stepped: boolean): Read<T> => {
    const entry = { awaited: false } as Read<T>;
    let following: Read<T> | undefined;
    // A driver that answers at once (better-sqlite3) calls this before the loop waits: nothing to overlap there.
    const onFull = ahead
      ? (next: unknown[]) => {
          if (!stopped && entry.awaited) following = read(next, stepping);
        }
      : undefined;
    const chunk = (async (): Promise<Chunk<T>> => {
      const items = await reader.read(after, stepped, onFull);
      const last = items.length ? items[items.length - 1] : undefined;
      if (items.length === size) return { items, next: { after: await reader.valuesOf(last!), stepped: stepping }, following };
      if (!stepped) return { items, next: undefined, following };
      // Short, and stepped: it may have lost its last rows. Not stepping, the read after it tells whether any are left.
      return { items, next: { after: last === undefined ? after : await reader.valuesOf(last), stepped: false }, following };
    })();
    // Awaited below, or dropped when the consumer stops early: a failure must not be an unhandled rejection then.
    chunk.catch(() => undefined);
    entry.chunk = chunk;
    return entry;
  };
  let pending = read(undefined, stepping);
  try {
    for (;;) {
      pending.awaited = true;
      const { items, next, following } = await pending.chunk;
      if (next && ahead) pending = following ?? read(next.after, next.stepped);
      if (items.length) yield items;
      if (!next) return;
      if (!ahead) pending = read(next.after, next.stepped);
    }
  } finally {
    // A consumer that stops early leaves reads ahead in flight: their connection is back in the pool only when they end.
    stopped = true;
    for (let inFlight: Read<T> | undefined = pending; inFlight;) inFlight = (await inFlight.chunk.catch(() => undefined))?.following;
  }
}
