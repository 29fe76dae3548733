/** A command-line mistake: usage goes to stderr and the process exits with 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the user should read about (exit 1), without a stack unless KEELSON_DEBUG=1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** One option a command accepts. */
export interface OptionSpec {
  /** Long name without dashes (`database`). */
  name: string;
  /** One-letter alias without the dash (`d`). */
  short?: string;
  /** `flag` takes no value; `value` takes one; `list` may repeat (and splits on commas when `split`). */
  kind: 'flag' | 'value' | 'list';
  split?: boolean;
  /** Placeholder for the usage text. */
  metavar?: string;
  description: string;
}

export type ParsedOptions = Record<string, string | string[] | boolean | undefined>;

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: 'app', kind: 'value', metavar: 'module', description: 'module exporting the registry (`registry` or default export); else $KEELSON_APP' },
  { name: 'help', short: 'h', kind: 'flag', description: 'show this help' },
];

/**
 * Parses `--name value`, `--name=value`, `-x value` and flags. Unknown options and stray positional
 * arguments are a `UsageError`.
 */
export function parseOptions(argv: readonly string[], specs: readonly OptionSpec[], usage: string): ParsedOptions {
  const all = [...specs, ...GLOBAL_OPTIONS];
  const result: ParsedOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq >= 0) inline = arg.slice(eq + 1);
      spec = all.find((s) => s.name === name);
    } else if (/^-[A-Za-z]$/.test(arg)) {
      spec = all.find((s) => s.short === arg.slice(1));
    } else {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`, usage);
    }
    if (!spec) throw new UsageError(`unknown option ${arg.split('=')[0]}`, usage);
    if (spec.kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`option --${spec.name} takes no value`, usage);
      result[spec.name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) throw new UsageError(`option --${spec.name} needs a value`, usage);
      value = next;
      i++;
    }
    if (spec.kind === 'value') {
      if (result[spec.name] !== undefined) throw new UsageError(`option --${spec.name} given twice`, usage);
      result[spec.name] = value;
    } else {
      const list = (result[spec.name] as string[] | undefined) ?? [];
      const values = spec.split
        ? value
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean)
        : [value];
      list.push(...values);
      result[spec.name] = list;
    }
  }
  return result;
}

/** The usage text of a command: synopsis, description, options. */
export function formatUsage(synopsis: string, description: string, specs: readonly OptionSpec[]): string {
  const rows = [...specs, ...GLOBAL_OPTIONS].map((s) => {
    const names = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.kind === 'flag' ? '' : ` <${s.metavar ?? 'value'}>`}`;
    return [names, s.description + (s.kind === 'list' ? ' (repeatable)' : '')];
  });
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  return [`Usage: ${synopsis}`, '', description, '', 'Options:', ...rows.map(([n, d]) => `  ${n.padEnd(width)}${d}`), ''].join('\n');
}
