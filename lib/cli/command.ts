import type { Registry } from '../registry/registry';
import type { OptionSpec, ParsedOptions } from './args';

/** What a command gets to work with. */
export interface CommandContext {
  options: ParsedOptions;
  /** Loads the app's registry (once); the CLI disconnects it after the command. */
  registry(): Registry;
  /** {@link registry}, failing when it has no models: for the commands that act on models. */
  models(): Registry;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** One `keelson` subcommand. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Synopsis after `keelson`. */
  synopsis: string;
  description: string;
  options: OptionSpec[];
  /** Resolves to the exit code (0 when nothing is returned). */
  run(ctx: CommandContext): Promise<number | void>;
}

/** The aliases named by `--database` (default: `['default']`), each checked against the registry. */
export function databaseAliases(registry: Registry, given: unknown): string[] {
  const aliases = Array.isArray(given) && given.length ? (given as string[]) : typeof given === 'string' ? [given] : ['default'];
  for (const alias of aliases) registry.databaseFor(alias);
  return [...new Set(aliases)];
}
