import type { Dialect } from '../dialects';
import { DIALECTS } from '../dialects';
import { ConfigurationError } from '../errors';
import type { ParsedUrl } from './url';

/** Why `driver` cannot serve `dialect` (naming the drivers it can), or undefined when it can. */
export function driverProblem(dialect: Dialect, driver: string): string | undefined {
  if (dialect.drivers.includes(driver)) return undefined;
  const known = dialect.drivers.map((d, i) => (i === 0 ? `${d} (the default)` : d)).join(', ');
  return `${dialect.displayName} has no driver "${driver}": use ${known}`;
}

/** A parsed URL with the `driver` option applied: the option and the URL's scheme must not disagree. */
export function withDriverOption(url: ParsedUrl, driver: string | undefined): ParsedUrl {
  if (driver === undefined) return url;
  const dialect = DIALECTS[url.dialect];
  const problem = typeof driver === 'string' ? driverProblem(dialect, driver) : `the driver must be a string, got ${typeof driver}`;
  if (problem) throw new ConfigurationError(`Database ${url.masked}, option driver: ${problem}.`);
  if (url.driver !== undefined && url.driver !== driver) {
    throw new ConfigurationError(`Database ${url.masked} names the driver "${url.driver}" and the driver option says "${driver}": give one of them.`);
  }
  return { ...url, driver };
}

/**
 * Fails with a `ConfigurationError` that says how to install a driver package Knex would load (keelson
 * installs only its default drivers; `better-sqlite3` is the user's choice to add).
 */
export function assertDriverInstalled(client: unknown): void {
  if (typeof client !== 'string') return;
  const dialect = Object.values(DIALECTS).find((d) => d.drivers.includes(client));
  if (!dialect) return;
  try {
    require.resolve(client);
  } catch {
    throw new ConfigurationError(`The ${dialect.displayName} driver "${client}" is not installed: run \`npm install ${client}\` in your project.`);
  }
}
