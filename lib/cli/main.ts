#!/usr/bin/env node
import { CliError, formatUsage, parseOptions, UsageError } from './args';
import type { Command, CommandContext } from './command';
import { admin } from './admin';
import { createall } from './createall';
import { downgrade } from './downgrade';
import { dropall } from './dropall';
import { inspectdb } from './inspectdb';
import { makemigrations } from './makemigrations';
import { migrate } from './migrate';
import { showmigrations } from './showmigrations';
import { showmodels } from './showmodels';
import type { Registry } from '../registry/registry';

/** Every subcommand, in the order `keelson --help` lists them. */
export const COMMANDS: Command[] = [createall, dropall, showmodels, inspectdb, makemigrations, migrate, downgrade, showmigrations, admin];

/** The top-level usage text. */
export function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: keelson <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Every command takes --app <module> (or $KEELSON_APP): a module exporting the Registry as `registry` or as',
    'its default export (.ts modules load through ts-node). Run `keelson <command> --help` for its options.',
    '',
  ].join('\n');
}

const commandUsage = (c: Command) => formatUsage(c.synopsis, c.description, c.options);

export interface RunIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Runs the CLI on `argv` (without `node keelson`) and resolves to the exit code. */
export async function run(argv: readonly string[], io: RunIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const stdin = io.stdin ?? process.stdin;
  // The command is the first argument that is neither an option nor the value of --app.
  let index = -1;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--app') i++;
    else if (!argv[i].startsWith('-')) {
      index = i;
      break;
    }
  }
  const name = index >= 0 ? argv[index] : undefined;
  const rest = index >= 0 ? [...argv.slice(0, index), ...argv.slice(index + 1)] : [...argv];
  if (name === undefined || name === 'help') {
    const topic = name === 'help' ? rest.find((a) => !a.startsWith('-')) : undefined;
    const command = topic ? COMMANDS.find((c) => c.name === topic) : undefined;
    if (command) {
      stdout.write(commandUsage(command));
      return 0;
    }
    if (!topic && (name === 'help' || rest.includes('--help') || rest.includes('-h'))) {
      stdout.write(mainUsage());
      return 0;
    }
    stderr.write(
      `keelson: ${topic ? `unknown command ${JSON.stringify(topic)}` : rest.length ? `unknown option ${rest[0]}` : 'no command given'}\n\n${mainUsage()}`,
    );
    return 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    stderr.write(`keelson: unknown command ${JSON.stringify(name)}\n\n${mainUsage()}`);
    return 2;
  }

  let registry: Registry | undefined;
  try {
    const options = parseOptions(rest, command.options, commandUsage(command));
    if (options.help === true) {
      stdout.write(commandUsage(command));
      return 0;
    }
    // Imported lazily so `--help` never loads the ORM.
    const { appPath, loadRegistry, requireModels } = await import('./app');
    const load = () => (registry ??= loadRegistry(options));
    const ctx: CommandContext = { options, registry: load, models: () => requireModels(load(), appPath(options)), stdout, stderr, stdin };
    const code = await command.run(ctx);
    return code ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`keelson ${command.name}: ${error.message}\n\n${error.usage ?? commandUsage(command)}`);
      return 2;
    }
    reportError(stderr, `keelson ${command.name}`, error);
    return 1;
  } finally {
    if (registry) {
      try {
        await registry.disconnect();
      } catch (error) {
        reportError(stderr, `keelson ${command.name}: disconnecting`, error);
      }
    }
  }
}

/** An error on stderr: the message, plus the stack when KEELSON_DEBUG=1. */
function reportError(stderr: NodeJS.WritableStream, prefix: string, error: unknown): void {
  const debug = process.env.KEELSON_DEBUG === '1';
  if (error instanceof Error) {
    const kind = error instanceof CliError || error.name === 'Error' ? '' : `${error.name}: `;
    stderr.write(`${prefix}: ${kind}${error.message}\n`);
    if (debug && error.stack) stderr.write(`${error.stack}\n`);
  } else {
    stderr.write(`${prefix}: ${String(error)}\n`);
  }
  if (!debug && !(error instanceof CliError)) stderr.write('(set KEELSON_DEBUG=1 for the stack trace)\n');
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Something left open (a pool, a timer in the app module) must not keep the command alive.
      setTimeout(() => process.exit(code), 1000).unref();
    },
    (error: unknown) => {
      process.stderr.write(`keelson: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
