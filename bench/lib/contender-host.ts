/**
 * Each contender runs in a process of its own (`contender-process.ts`), as it would in a service: no contender
 * is timed inside another's heap, or paying for hooks another installed (MikroORM's AsyncLocalStorage makes
 * Node 20 track every promise of the process). The parent only orders the rounds; a round is prepared, timed,
 * checked and cleaned up inside the contender's process, and its time per call comes back over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Db, Env } from './types';

/** The parent's requests. */
export type HostRequest = { kind: 'round'; step: string; round: number } | { kind: 'close' };

/** The child's answers: first `ready` (or `failed`), then one `timed` (or `failed`) per round. */
export type HostReply =
  | { kind: 'ready'; name: string; floor?: string; dbs?: Db[]; sitsOut: Record<string, string> }
  | { kind: 'timed'; perCall: number }
  | { kind: 'failed'; message: string };

/** What the child is told at start: which contender to load and where it connects. */
export interface HostStart {
  file: string;
  exports: string;
  env: Env;
}

/** The parent's handle on one contender's process. */
export class ContenderHost {
  /** Settles the round asked for with the child's next answer (its exit included). */
  private pending?: (reply: HostReply) => void;

  private constructor(
    private readonly child: ChildProcess,
    /** The contender's name as the tables print it. */
    readonly name: string,
    /** The contender its ratios are to, when not `raw`. */
    readonly floor: string | undefined,
    /** The databases it runs on, when not all. */
    readonly dbs: Db[] | undefined,
    /** Step name → why the contender sits it out ('n/a' for a missing API). */
    readonly sitsOut: Record<string, string>,
  ) {}

  /** Starts the process of one contender, loaded from `file` (its `exports`), opened on `env`. */
  static start(start: HostStart): Promise<ContenderHost> {
    const child = fork(path.join(__dirname, 'contender-process.ts'), [JSON.stringify(start)], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const early = (code: number | null) => reject(new Error(`${start.exports}: its process exited (${String(code)}) before it was ready`));
      child.once('exit', early);
      child.once('message', (reply: HostReply) => {
        child.off('exit', early);
        if (reply.kind !== 'ready') {
          child.kill();
          reject(new Error(reply.kind === 'failed' ? reply.message : `${start.exports}: unexpected ${reply.kind}`));
          return;
        }
        const host = new ContenderHost(child, reply.name, reply.floor, reply.dbs, reply.sitsOut);
        child.on('message', (next: HostReply) => host.answer(next));
        child.on('exit', (code) => host.answer({ kind: 'failed', message: `${reply.name}: its process exited (${String(code)})` }));
        resolve(host);
      });
    });
  }

  /** Runs round `round` of the step named `step` in the contender's process; resolves to its time per call in µs. */
  async runRound(step: string, round: number): Promise<number> {
    const reply = await this.request({ kind: 'round', step, round });
    if (reply.kind === 'timed') return reply.perCall;
    throw new Error(reply.kind === 'failed' ? reply.message : `${this.name}: unexpected ${reply.kind}`);
  }

  /** Closes the contender's connections and ends its process. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ kind: 'close' } satisfies HostRequest);
    await exited;
  }

  private request(message: HostRequest): Promise<HostReply> {
    if (this.pending) throw new Error(`${this.name}: one round at a time`);
    return new Promise((resolve) => {
      this.pending = resolve;
      this.child.send(message);
    });
  }

  private answer(reply: HostReply): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.(reply);
  }
}
