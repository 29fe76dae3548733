import { NotSupportedError } from '../../errors';
import type { Dialect } from '../dialect';

/**
 * `FOR UPDATE` / `LOCK IN SHARE MODE`, then `SKIP LOCKED` (MySQL 8.0, MariaDB 10.6+) or `NOWAIT` (MySQL 8.0, MariaDB 10.3+).
 * `OF` is refused: MariaDB has none (MySQL 8.0's is left out so both servers behave alike).
 */
export const lockMysqlRows: Dialect['lockRows'] = (select, mode, options = {}) => {
  if (options.of?.length) {
    throw new NotSupportedError(
      'selectForUpdate({ of }) is not supported on MySQL/MariaDB (MariaDB has no FOR UPDATE OF): leave `of` out to lock the rows of every table the query reads.',
    );
  }
  if (mode === 'share') select.forShare();
  else select.forUpdate();
  if (options.skipLocked) select.skipLocked();
  else if (options.nowait) select.noWait();
  return select;
};
