/**
 * The process of one contender (started by `contender-host.ts`): loads it, opens it and an admin connection
 * of its own on the bench tables, then runs the rounds the parent asks for, one at a time.
 */
import './one-pg';
import type { Knex } from 'knex';
import type { HostReply, HostRequest, HostStart } from './contender-host';
import { adminFor } from './setup';
import { lacking, runRound, STEPS } from './steps';
import type { Contender } from './types';

const send = (reply: HostReply) => process.send!(reply);
const messageOf = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

async function main(): Promise<void> {
  const start = JSON.parse(process.argv[2]) as HostStart;
  let contender: Contender;
  let admin: Knex;
  let opened = false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    contender = require(start.file)[start.exports] as Contender;
    admin = adminFor(start.env);
    // A driver of one dialect reports its databases and is not opened on the other.
    if (!contender.dbs || contender.dbs.includes(start.env.db)) {
      await contender.open(start.env);
      opened = true;
    }
  } catch (error) {
    send({ kind: 'failed', message: messageOf(error) });
    process.exit(1);
  }
  const sitsOut: Record<string, string> = {};
  for (const step of STEPS) {
    const reason = lacking(step, contender);
    if (reason !== undefined) sitsOut[step.name] = reason;
  }
  process.on('message', (request: HostRequest) => {
    if (request.kind === 'close') {
      void Promise.allSettled([opened && contender.close(), admin.destroy()]).then(() => process.exit(0));
      return;
    }
    const step = STEPS.find((s) => s.name === request.step);
    if (!step) {
      send({ kind: 'failed', message: `no step named ${request.step}` });
      return;
    }
    runRound(step, contender, admin, request.round).then(
      (perCall) => send({ kind: 'timed', perCall }),
      (error) => send({ kind: 'failed', message: `${contender.name} / ${step.name}: ${messageOf(error)}` }),
    );
  });
  send({ kind: 'ready', name: contender.name, floor: contender.floor, dbs: contender.dbs, sitsOut });
}

void main();
