import { keysetChunks, type After, type ChunkReader } from '../../../lib/query/paging/chunks';

/** Reads of 0 … total-1 in order, as a database answers `id > after ORDER BY id LIMIT size`; a stepped read loses its last `lose(read)` items. */
function numbers(total: number, size: number, lose: (read: number) => number = () => 0) {
  const reads: { after: After; stepped: boolean }[] = [];
  let inFlight = 0;
  const reader: ChunkReader<number> = {
    async read(after, stepped, onFull) {
      reads.push({ after, stepped });
      inFlight++;
      try {
        await new Promise((resolve) => setImmediate(resolve));
        const start = after === undefined ? 0 : (after[0] as number) + 1;
        const rows = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => start + i);
        const lost = stepped ? Math.min(rows.length, lose(reads.length)) : 0;
        const delivered = rows.slice(0, rows.length - lost);
        if (delivered.length === size) onFull?.([delivered[size - 1]]);
        return delivered;
      } finally {
        inFlight--;
      }
    },
    valuesOf: async (item) => [item],
  };
  return { reader, reads, inFlight: () => inFlight };
}

async function collect(chunks: AsyncGenerator<number[]>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of chunks) out.push(...chunk);
  return out;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('keysetChunks', () => {
  it('reads every item once, in order, ahead or not, whether the last chunk is full, short or empty', async () => {
    for (const total of [0, 1, 9, 10, 11, 100, 101]) {
      for (const ahead of [true, false]) {
        const { reader } = numbers(total, 10);
        expect(await collect(keysetChunks(reader, 10, { ahead, stepping: false }))).toEqual(range(total));
      }
    }
  });

  it('ends at the first short chunk when reads do not step', async () => {
    const { reader, reads } = numbers(25, 10);
    expect(await collect(keysetChunks(reader, 10, { ahead: true, stepping: false }))).toEqual(range(25));
    expect(reads).toEqual([
      { after: undefined, stepped: false },
      { after: [9], stepped: false },
      { after: [19], stepped: false },
    ]);
  });

  it('takes a short stepped chunk for the end only once a read that does not step after it finds nothing', async () => {
    const { reader, reads } = numbers(25, 10);
    expect(await collect(keysetChunks(reader, 10, { ahead: true, stepping: true }))).toEqual(range(25));
    expect(reads).toEqual([
      { after: undefined, stepped: true },
      { after: [9], stepped: true },
      { after: [19], stepped: true },
      { after: [24], stepped: false },
    ]);
  });

  it('reads again the items a stepped read lost, a whole chunk of them included, and steps again after', async () => {
    for (const total of [0, 1, 10, 25, 40, 57]) {
      for (const ahead of [true, false]) {
        // Read 1 loses everything, read 3 two items, read 4 one (when they have that many), every fifth read one.
        const lose = (read: number) => (read === 1 ? 99 : read === 3 ? 2 : read === 4 || read % 5 === 0 ? 1 : 0);
        const { reader, reads } = numbers(total, 10, lose);
        expect(await collect(keysetChunks(reader, 10, { ahead, stepping: true }))).toEqual(range(total));
        // Every short stepped read is followed by one that does not step; after a full one, reads step again.
        for (let i = 1; i < reads.length; i++) if (!reads[i - 1].stepped) expect(reads[i].stepped).toBe(true);
        expect(reads[reads.length - 1].stepped).toBe(false);
      }
    }
  });

  it('waits for the read ahead in flight when the consumer stops early', async () => {
    const { reader, inFlight } = numbers(100, 10);
    const chunks = keysetChunks(reader, 10, { ahead: true, stepping: true });
    const first = await chunks.next();
    expect(first.value).toEqual(range(10));
    await chunks.return([]);
    expect(inFlight()).toBe(0);
  });

  it('reads at most one chunk ahead of a slow consumer', async () => {
    const { reader, reads } = numbers(200, 10);
    let consumed = 0;
    for await (const chunk of keysetChunks(reader, 10, { ahead: true, stepping: false })) {
      // The chunk being consumed and one more: never a read beyond.
      expect(reads.length).toBeLessThanOrEqual(consumed + 2);
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(reads.length).toBeLessThanOrEqual(consumed + 2);
      consumed++;
      expect(chunk).toHaveLength(10);
    }
    expect(consumed).toBe(20);
  });

  it('reads one chunk at a time from a reader that answers at once (nothing to overlap)', async () => {
    const reads: After[] = [];
    const reader: ChunkReader<number> = {
      read(after, _stepped, onFull) {
        reads.push(after);
        const start = after === undefined ? 0 : (after[0] as number) + 1;
        const rows = Array.from({ length: Math.max(0, Math.min(10, 100 - start)) }, (_, i) => start + i);
        // Told before the promise is made, as a synchronous driver's answer reaches `onRows`.
        if (rows.length === 10) onFull?.([rows[9]]);
        return Promise.resolve(rows);
      },
      valuesOf: async (item) => [item],
    };
    const chunks = keysetChunks(reader, 10, { ahead: true, stepping: false });
    // The chunk handed out and the one after it, read when the loop took the first.
    expect((await chunks.next()).value).toEqual(range(10));
    expect(reads).toEqual([undefined, [9]]);
    expect((await chunks.next()).value).toEqual(range(20).slice(10));
    expect(reads).toEqual([undefined, [9], [19]]);
    await chunks.return([]);
  });

  it('rejects with the error of a failed read, ahead or not', async () => {
    for (const ahead of [true, false]) {
      const reader: ChunkReader<number> = {
        read: async (after) => {
          if (after) throw new Error('disk I/O error');
          return range(10);
        },
        valuesOf: async (item) => [item],
      };
      await expect(collect(keysetChunks(reader, 10, { ahead, stepping: true }))).rejects.toThrow('disk I/O error');
    }
  });
});
