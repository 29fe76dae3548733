import { QueryError, NotSupportedError } from '../errors';
import { schemaNameProblem } from '../database/schema-name';
import { inStickyScope } from '../database/sticky';
import { runWith } from '../database/transaction-context';
import type { Registry } from './registry';

/** The registry's methods that run a function in a context of its own: a unit of work, a tenant's schema. */
export interface ScopeMethods {
  /**
   * Runs `fn` as one unit of work (an HTTP request: one middleware line) for read replicas' sticky reads:
   * a write inside it sends only its own later reads to the primary (see `DatabaseOptions.sticky`).
   */
  scope<T>(fn: () => T): T;
  /**
   * Runs `fn` with every query of the registry's tenant models on `schema`'s tables, in the async context
   * of `fn` only (concurrent tenants never meet). `@Model({ shared: true })` models stay in the default
   * schema; `usingSchema()` still overrides. For schema-per-tenant apps (PostgreSQL schemas, MySQL databases).
   */
  withSchema<T>(schema: string, fn: () => Promise<T>): Promise<T>;
}

export const scopeMethods: ScopeMethods = {
  scope<T>(fn: () => T): T {
    return inStickyScope(fn);
  },

  withSchema<T>(this: Registry, schema: string, fn: () => Promise<T>): Promise<T> {
    const problem = typeof schema === 'string' ? schemaNameProblem(schema) : `the schema must be a string, got ${typeof schema}`;
    if (problem) return Promise.reject(new QueryError(`withSchema(): ${problem}.`));
    if (typeof fn !== 'function') return Promise.reject(new QueryError('withSchema(schema, fn): fn must be a function.'));
    if (!this.database.driver.supportsSchemas) {
      return Promise.reject(
        new NotSupportedError(
          `withSchema("${schema}"): ${this.database.driver.displayName} has no schemas. Use a database per tenant (an extra alias and using()), or PostgreSQL / MySQL.`,
        ),
      );
    }
    return runWith(this, schema, fn);
  },
};
