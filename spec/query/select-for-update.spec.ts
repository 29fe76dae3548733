import { BaseModel, Count, DatabaseError, Field, ForeignKey, Model, NotSupportedError, QueryError, Registry, Relation } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';
import { statementLog } from '../support/statements';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Author extends BaseModel {
    @Field() name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Book extends BaseModel {
    @Field({ maxLength: 40, unique: true }) title!: string;
    @Field() stock!: number;
    @ForeignKey(() => Author, { onDelete: 'CASCADE' }) author!: Relation<Author>;
    @ForeignKey(() => Author, { nullable: true, onDelete: 'SET NULL', relatedName: 'edited' }) editor!: Relation<Author> | null;
  }

  return { Author, Book };
}

/** A promise and its resolver, to hold a transaction open until the test lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const { Author, Book } = declare(registry, uniqueName('sfu'));
    type BookT = InstanceType<typeof Book>;
    const db = registry.database;
    const log = statementLog(registry);
    const locking = () => log.matching(/for update/i);
    let books: BookT[] = [];

    beforeAll(async () => {
      await registry.createAll();
      await log.start();
    });

    afterAll(async () => {
      log.stop();
      await registry.dropAll();
      await registry.disconnect();
    });

    beforeEach(async () => {
      await Book.query.delete();
      await Author.query.delete();
      const author = await Author.query.create({ name: 'Ann' });
      books = await Book.query.bulkCreate(['one', 'two', 'three'].map((title, i) => ({ title, stock: i + 1, author })));
      log.clear();
    });

    const titles = (rows: readonly BookT[]) => rows.map((b) => b.title).sort();

    it('outside a transaction → QueryError, and nothing is sent', async () => {
      await expect(Book.query.selectForUpdate().fetch()).rejects.toThrow(QueryError);
      await expect(Book.query.filter({ title: 'one' }).selectForUpdate().get()).rejects.toThrow(/transaction/);
      expect(locking()).toEqual([]);
    });

    it('nowait and skipLocked together → QueryError', () => {
      expect(() => Book.query.all().selectForUpdate({ nowait: true, skipLocked: true })).toThrow(QueryError);
      expect(() => Book.query.selectForUpdate({ nowait: true, skipLocked: true })).toThrow(/nowait/);
    });

    it('malformed options → QueryError', () => {
      expect(() => Book.query.selectForUpdate({ of: 'self' as never })).toThrow(QueryError);
      expect(() => Book.query.selectForUpdate({ nowait: 'yes' as never })).toThrow(QueryError);
      expect(() => Book.query.selectForUpdate({ wait: true } as never)).toThrow(/wait/);
    });

    it('in a transaction reads the rows, locking them where the database locks rows', async () => {
      const read = await db.transaction(() => Book.query.selectForUpdate().orderBy('title').fetch());
      expect(titles(read)).toEqual(titles(books));
      if (name === 'sqlite') expect(locking()).toEqual([]);
      else expect(locking()).toHaveLength(1);
    });

    it('adds SKIP LOCKED / NOWAIT where the database locks rows', async () => {
      await db.transaction(async () => {
        await Book.query.selectForUpdate({ skipLocked: true }).fetch();
        await Book.query.selectForUpdate({ nowait: true }).fetch();
      });
      if (name === 'sqlite') expect(locking()).toEqual([]);
      else {
        expect(locking()[0]).toMatch(/for update skip locked/i);
        expect(locking()[1]).toMatch(/for update nowait/i);
      }
    });

    it('values() and valuesList() of a locked queryset lock the rows too', async () => {
      const [rows, list] = await db.transaction(async () => [
        await Book.query.filter({ stock__gte: 2 }).selectForUpdate().values('title'),
        await Book.query.selectForUpdate({ skipLocked: true }).valuesList('title', { flat: true }),
      ]);
      expect(rows.map((r) => r.title).sort()).toEqual(['three', 'two']);
      expect([...list].sort()).toEqual(titles(books));
      if (name === 'sqlite') expect(locking()).toEqual([]);
      else {
        expect(locking()).toHaveLength(2);
        expect(locking()[1]).toMatch(/for update skip locked/i);
      }
      await expect(Book.query.selectForUpdate().values('title')).rejects.toThrow(/transaction/);
    });

    it('distinct() or grouping with selectForUpdate() → QueryError, and nothing is sent', async () => {
      await db.transaction(async () => {
        await expect(Book.query.distinct().selectForUpdate().fetch()).rejects.toThrow(/distinct\(\)/);
        await expect(
          Book.query
            .selectForUpdate()
            .values('author')
            .annotate({ n: Count() })
            .then((r) => r),
        ).rejects.toThrow(/grouping/);
      });
      expect(locking()).toEqual([]);
    });

    it('of names relations the queryset selects; anything else → QueryError', async () => {
      await db.transaction(async () => {
        await expect(
          Book.query
            .selectRelated('author')
            .selectForUpdate({ of: ['self', 'publisher'] })
            .fetch(),
        ).rejects.toThrow(/publisher/);
        await expect(Book.query.selectForUpdate({ of: ['author'] }).fetch()).rejects.toThrow(QueryError);
      });
      expect(locking()).toEqual([]);
    });

    it('locks with selectRelated() of a NOT NULL foreign key and no of', async () => {
      const read = await db.transaction(() => Book.query.selectRelated('author').selectForUpdate({ skipLocked: true }).fetch());
      expect(titles(read)).toEqual(titles(books));
      for (const book of read) expect(book.author.name).toBe('Ann');
      if (name === 'sqlite') expect(locking()).toEqual([]);
      else expect(locking()[0]).toMatch(/ inner join .* for update skip locked/i);
    });

    it('a nullable relation: PostgreSQL cannot lock it (NotSupportedError) unless of leaves it out', async () => {
      const all = () => db.transaction(() => Book.query.selectRelated('author', 'editor').selectForUpdate().fetch());
      const self = () =>
        db.transaction(() =>
          Book.query
            .selectRelated('author', 'editor')
            .selectForUpdate({ of: ['self', 'author'] })
            .fetch(),
        );
      if (name === 'postgres') {
        await expect(all()).rejects.toThrow(NotSupportedError);
        await expect(all()).rejects.toThrow(/'editor'/);
        expect(locking()).toEqual([]);
        const read = await self();
        expect(titles(read)).toEqual(titles(books));
        expect(locking()[0]).toMatch(/left join .* for update of "t0", "t0_1"$/i);
        return;
      }
      expect(titles(await all())).toEqual(titles(books));
      if (name === 'mysql') await expect(self()).rejects.toThrow(NotSupportedError);
      else expect(titles(await self())).toEqual(titles(books));
    });

    it('of: self and a selected relation', async () => {
      const run = () =>
        db.transaction(() =>
          Book.query
            .selectRelated('author')
            .selectForUpdate({ of: ['self', 'author'] })
            .fetch(),
        );
      if (name === 'mysql') {
        await expect(run()).rejects.toThrow(NotSupportedError);
        expect(locking()).toEqual([]);
        return;
      }
      const read = await run();
      expect(titles(read)).toEqual(titles(books));
      for (const book of read) expect(book.author.name).toBe('Ann');
      if (name === 'postgres') expect(locking()[0]).toMatch(/for update of "t0", "t0_1"/i);
      else expect(locking()).toEqual([]);
    });

    if (name === 'sqlite') return;

    /** How many statements on the book table wait for a row lock right now, as the server reports it. */
    const waiting = async (): Promise<number> => {
      const pattern = `%${Book.meta.tablename}%`;
      const rows =
        name === 'postgres'
          ? await db.raw("select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and query like ?", [pattern])
          : await db.raw("select count(*) as n from information_schema.innodb_trx where trx_state = 'LOCK WAIT' and trx_query like ?", [pattern]);
      return Number(rows[0].n);
    };

    /** Runs `second` while a first transaction holds FOR UPDATE on book `one`; `whileHeld` runs before the first commits. */
    async function whileLocked<R>(second: () => Promise<R>, whileHeld: (result: Promise<R>) => Promise<void>): Promise<R> {
      const held = gate();
      const release = gate();
      const first = db.transaction(async () => {
        await Book.query.filter({ title: 'one' }).selectForUpdate().get();
        held.open();
        await release.opened;
        await Book.query.filter({ title: 'one' }).update({ stock: 100 });
      });
      await held.opened;
      const result = db.transaction(second);
      result.catch(() => undefined);
      try {
        await whileHeld(result);
      } finally {
        release.open();
        await first;
      }
      return result;
    }

    it('nowait fails at once with a lock error while another transaction holds the row', async () => {
      let failure: unknown;
      await whileLocked(
        () => Book.query.filter({ title: 'one' }).selectForUpdate({ nowait: true }).get(),
        async (result) => {
          failure = await result.then(
            () => undefined,
            (error: unknown) => error,
          );
        },
      ).catch(() => undefined);
      expect(failure).toBeInstanceOf(DatabaseError);
      expect((failure as Error).message).toMatch(/lock/i);
    });

    it('skipLocked reads every row but the locked one', async () => {
      let read: BookT[] = [];
      await whileLocked(
        () => Book.query.selectForUpdate({ skipLocked: true }).fetch(),
        async (result) => {
          read = await result;
        },
      );
      expect(titles(read)).toEqual(titles(books.filter((b) => b.title !== 'one')));
    });

    it('a plain FOR UPDATE waits for the holder to commit and then reads its write', async () => {
      let settled = false;
      const read = await whileLocked(
        () => Book.query.filter({ title: 'one' }).selectForUpdate().get(),
        async (result) => {
          result.then(
            () => (settled = true),
            () => (settled = true),
          );
          // Wait until the server reports the second statement blocked on the lock (or it returned early).
          for (let i = 0; i < 500 && !settled && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
          expect(settled).toBe(false);
          expect(await waiting()).toBeGreaterThan(0);
        },
      );
      expect(read.stock).toBe(100);
    });
  };
  if (name === 'sqlite') describe(`selectForUpdate on ${label}`, body);
  else describeWithServer(`selectForUpdate on ${label}`, url, body);
}
