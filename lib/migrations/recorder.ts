import type { Knex } from 'knex';

/**
 * Records Knex calls as TypeScript source. Migration operations are written once, against the Knex API
 * (the same `dialect.addColumn` that `createAll` uses), and this turns them into the text of a migration
 * file, so a migration emits exactly the DDL `createAll` would.
 */

/** One recorded chain, e.g. `knex.schema.alterTable('post', (t) => { … })`. */
interface Chain {
  root: string;
  parts: string[];
}

/** Renders a value as a TypeScript literal. */
export function literal(value: unknown, indent = ''): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `'${value.toString()}'`;
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, indent)).join(', ')}]`;
  if (value instanceof Date) return `new Date(${literal(value.toISOString())})`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (!entries.length) return '{}';
    const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : literal(k));
    return `{ ${entries.map(([k, v]) => `${key(k)}: ${literal(v, indent)}`).join(', ')} }`;
  }
  throw new TypeError(`Cannot write ${typeof value} into a migration`);
}

/** Collects the chains started on one receiver (`knex`, or `t` inside a table callback). */
class Scope {
  readonly chains: Chain[] = [];
  constructor(
    readonly name: string,
    readonly indent: string,
  ) {}

  /** A proxy standing for the receiver: every property access starts a new chain. */
  receiver(): unknown {
    return this.proxy(() => {
      const chain: Chain = { root: this.name, parts: [] };
      this.chains.push(chain);
      return chain;
    }, true);
  }

  /**
   * A proxy whose property accesses and calls append to a chain. `start` gives the chain (a new one for
   * the receiver, the same one for anything reached from it).
   */
  private proxy(start: () => Chain, fresh = false): unknown {
    // The proxy's traps are plain functions (their own `this` is the handler), so the recorder is captured by name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const scope = this;
    let chain: Chain | undefined;
    const own = () => (fresh ? start() : (chain ??= start()));
    // A function target, so the proxy can be called as well as read.
    const target: object = function () {};
    return new Proxy(target, {
      get(_, prop) {
        if (typeof prop === 'symbol') return undefined;
        // Not a thenable: awaiting a recorded chain must not call it.
        if (prop === 'then') return undefined;
        const c = own();
        c.parts.push(`.${prop}`);
        return scope.proxy(() => c);
      },
      apply(_, __, args: unknown[]) {
        const c = own();
        // Optional arguments left out (`t.foreign('a', undefined)`) are written as if never passed.
        while (args.length && args[args.length - 1] === undefined) args = args.slice(0, -1);
        c.parts.push(`(${args.map((a) => scope.argument(a)).join(', ')})`);
        return scope.proxy(() => c);
      },
    });
  }

  /** A call argument; a callback is run against a fresh `t` receiver and rendered as an arrow function. */
  private argument(value: unknown): string {
    if (typeof value !== 'function') return literal(value, this.indent);
    const inner = new Scope('t', `${this.indent}  `);
    (value as (t: unknown) => void)(inner.receiver());
    const body = inner.render().map((line) => `${inner.indent}${line};`);
    return body.length ? `(t) => {\n${body.join('\n')}\n${this.indent}}` : '() => {}';
  }

  /** The recorded chains as statements (without `await`/`;`). */
  render(): string[] {
    return this.chains.map((c) => `${c.root}${c.parts.join('')}`);
  }
}

/** A stand-in for `knex` whose calls are written down instead of run. */
export interface Recording {
  knex: Knex;
  /** The statements recorded so far, each prefixed with `await ` and ended with `;`. */
  statements(): string[];
}

/** Starts a recording; statements are indented by `indent` inside table callbacks. */
export function record(indent = '  '): Recording {
  const scope = new Scope('knex', indent);
  return {
    knex: scope.receiver() as Knex,
    statements: () => scope.render().map((s) => `await ${s};`),
  };
}
