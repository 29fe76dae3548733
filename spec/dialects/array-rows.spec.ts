import { Database } from '../../lib';
import { DIALECT_URLS, describeWithServer } from '../support/servers';

/**
 * A statement run for `'arrays'` gives each row as an array of values in column order, parsed as for object rows,
 * on every driver that can read rows that way; `sqlite3` cannot, and gives objects.
 */
for (const { url, label } of DIALECT_URLS) {
  describeWithServer(`rows read as arrays on ${label}`, url, () => {
    const db = new Database(url);
    afterAll(() => db.disconnect());

    const sql = "select ? as n, ? as word, null as absent union all select ?, 'two', null";
    const objects = [
      { n: 1, word: 'one', absent: null },
      { n: 2, word: 'two', absent: null },
    ];

    it(label === 'sqlite' ? 'gives objects (the driver has no array mode)' : 'gives arrays in column order', async () => {
      // Twice: the second run goes by the statement prepared on the connection (a named one on PostgreSQL).
      for (let run = 0; run < 2; run++) {
        const rows = (await db.runStatement(sql, [1, 'one', 2], 'arrays', '?')) as unknown[];
        const numbers = (rows as Record<string, unknown>[] | unknown[][]).map((row) => (Array.isArray(row) ? Number(row[0]) : Number(row.n)));
        expect(numbers).toEqual([1, 2]);
        if (label === 'sqlite') expect(rows.map((row) => ({ ...(row as object), n: Number((row as { n: unknown }).n) }))).toEqual(objects);
        else expect(rows.map((row) => [Number((row as unknown[])[0]), ...(row as unknown[]).slice(1)])).toEqual(objects.map(Object.values));
      }
    });

    it('gives objects keyed by column for `rows`', async () => {
      const rows = (await db.runStatement(sql, [1, 'one', 2], 'rows', '?')) as Record<string, unknown>[];
      expect(rows.map((row) => ({ ...row, n: Number(row.n) }))).toEqual(objects);
    });
  });
}
