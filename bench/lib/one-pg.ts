/**
 * One `pg` for the whole process, as a service has: every contender (and Knex, TypeORM, Sequelize, MikroORM,
 * Objection and Drizzle under them) loads the same `pg` module keelson loads. bench/package.json pins the same
 * version for the peers, but npm installs it twice (here and at the root), and two copies of one driver are two
 * sets of compiled code: steps that run a statement only 30 times in all then timed whichever copy fewer
 * contenders had warmed, rather than the contenders. Imported first by every bench entry point.
 */
import Module from 'node:module';
import * as path from 'node:path';

const rootPg = require.resolve('pg', { paths: [path.join(__dirname, '..', '..')] });
type Resolve = (request: string, ...rest: unknown[]) => string;
const resolver = Module as unknown as { _resolveFilename: Resolve };
const resolve = resolver._resolveFilename;
resolver._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return request === 'pg' ? rootPg : resolve.call(this, request, ...rest);
};
