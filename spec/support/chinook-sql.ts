import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The Chinook scripts kept in the repository (gzipped, with their license), one per dialect. */
export type ChinookScript = 'Chinook_Sqlite.sql' | 'Chinook_PostgreSql.sql' | 'Chinook_MySql.sql';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'chinook');
const cache = new Map<ChinookScript, string>();

/** The text of one Chinook script, decompressed in memory (once per process). */
export function chinookSql(script: ChinookScript): string {
  let sql = cache.get(script);
  if (sql === undefined) {
    sql = gunzipSync(readFileSync(path.join(FIXTURES, `${script}.gz`))).toString('utf8');
    cache.set(script, sql);
  }
  return sql;
}
