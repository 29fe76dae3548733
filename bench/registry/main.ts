/**
 * Registry scaling benchmark: declares N models programmatically (string references to models declared
 * later, every other model with a many-to-many), resolves them and builds the metadata, and reports the
 * median wall time for N = 1,000 and 5,000. Linear code gives a 5,000/1,000 ratio close to 5.
 */
import { execFileSync } from 'child_process';
import { collectGarbage as gc } from '../lib/heap';
import { median } from '../lib/stats';
import { declareModels, declareRegistry } from './declare';

const SIZES = [1_000, 5_000];
/** Warm-up rounds per size (unmeasured), after one global warm-up round at the largest size for the JIT. */
const WARMUP_ROUNDS = 1;
const MEASURED_ROUNDS = 5;
const COPY_ROUNDS = 5;
/**
 * Child processes per size for `copy()`, run alternately (1,000, 5,000, 1,000, …). One process per size
 * is not enough for the ratio: the same code measures up to ±15% apart in two processes (see README).
 */
const COPY_PROCESSES = 5;

// A full GC before each measured round (`gc()`), so garbage from the previous registry is not collected inside it.

/** One round: a fresh registry, N declared models, metadata built. Returns [ms, table count]. */
function round(n: number): [number, number] {
  const start = process.hrtime.bigint();
  const tables = declareModels(n);
  return [Number(process.hrtime.bigint() - start) / 1e6, tables];
}

/** Runs the scaling measurement and returns it as a Markdown section. */
export function registryScaling(): string {
  const results = new Map<number, { median: number; min: number; max: number; tables: number }>();
  round(Math.max(...SIZES));
  for (const n of SIZES) {
    for (let r = 0; r < WARMUP_ROUNDS; r++) round(n);
    const times: number[] = [];
    let tables = 0;
    for (let r = 0; r < MEASURED_ROUNDS; r++) {
      gc();
      const [ms, t] = round(n);
      times.push(ms);
      tables = t;
    }
    results.set(n, { median: median(times), min: Math.min(...times), max: Math.max(...times), tables });
  }
  const fmt = (x: number): string => x.toFixed(1);
  const lines = [
    `### Registry scaling: declare + resolve + build metadata (median of ${MEASURED_ROUNDS} rounds after warm-up, full GC before each)`,
    '',
    '| models (N) | tables built | median ms | min ms | max ms | µs / model |',
    '|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [n, r] of results) {
    lines.push(
      `| ${n.toLocaleString('en-US')} | ${r.tables.toLocaleString('en-US')} | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${fmt((r.median * 1000) / n)} |`,
    );
  }
  const [small, large] = SIZES.map((n) => results.get(n)!.median);
  lines.push(
    '',
    `ratio ${SIZES[1].toLocaleString('en-US')}/${SIZES[0].toLocaleString('en-US')}: ${(large / small).toFixed(2)} (linear scaling would be ${(SIZES[1] / SIZES[0]).toFixed(0)})`,
  );

  // registry.copy(): new classes, rebound relations, regenerated through models (metadata is built on
  // first access, so it is timed separately). Each measurement runs in a fresh process, so no size inherits
  // another's heap: with both registries alive, garbage collection, not copy(), would decide the ratio.
  // Processes alternate between the sizes and each size reports the median process, so neither a slow
  // process nor the machine slowing down between the two sizes decides the ratio.
  const runs = new Map<number, { copy: number; metadata: number }[]>(SIZES.map((n) => [n, []]));
  for (let p = 0; p < COPY_PROCESSES; p++) {
    for (const n of SIZES) {
      const out = execFileSync(
        process.execPath,
        ['--expose-gc', '-r', 'ts-node/register/transpile-only', __filename, '--copy', String(n), String(COPY_ROUNDS)],
        {
          env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
        },
      );
      runs.get(n)!.push(JSON.parse(out.toString()));
    }
  }
  const copies = new Map<number, { copy: number; min: number; max: number; metadata: number }>();
  for (const [n, r] of runs) {
    const times = r.map((c) => c.copy);
    copies.set(n, { copy: median(times), min: Math.min(...times), max: Math.max(...times), metadata: median(r.map((c) => c.metadata)) });
  }
  lines.push(
    '',
    `| registry.copy() of N models (${COPY_PROCESSES} processes per size; each the median of ${COPY_ROUNDS} blocks of 25,000 models' worth) | copy() ms, median process | min | max | then metadata ms |`,
    '|---:|---:|---:|---:|---:|',
  );
  for (const [n, c] of copies) lines.push(`| ${n.toLocaleString('en-US')} | ${fmt(c.copy)} | ${fmt(c.min)} | ${fmt(c.max)} | ${fmt(c.metadata)} |`);
  const [c1, c5] = SIZES.map((n) => copies.get(n)!.copy);
  lines.push(
    '',
    `copy() ratio ${SIZES[1].toLocaleString('en-US')}/${SIZES[0].toLocaleString('en-US')}: ${(c5 / c1).toFixed(2)} (linear scaling would be ${(SIZES[1] / SIZES[0]).toFixed(0)})`,
  );
  return lines.join('\n');
}

/**
 * Child-process entry: the cost of one `copy()` of a registry of `n` models. Copies run back to back in
 * blocks of the same total size (25,000 models' worth), so garbage collection is paid in proportion by
 * every size; a forced GC before a lone small copy would let it fit in the young generation and skip the
 * collections a large one cannot avoid. Prints the median per-copy times of `rounds` blocks as JSON.
 */
function measureCopies(n: number, rounds: number): { copy: number; metadata: number } {
  const { registry } = declareRegistry(n);
  registry.copy().initModels();
  const perBlock = Math.max(1, Math.round(25_000 / n));
  const copyTimes: number[] = [];
  const metadataTimes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    gc();
    let copying = 0n;
    let building = 0n;
    for (let k = 0; k < perBlock; k++) {
      const start = process.hrtime.bigint();
      const copy = registry.copy();
      const copied = process.hrtime.bigint();
      copy.initModels();
      building += process.hrtime.bigint() - copied;
      copying += copied - start;
      if (copy.metadata.tables.size !== registry.metadata.tables.size) throw new Error(`copy of N=${n} built ${copy.metadata.tables.size} tables`);
    }
    copyTimes.push(Number(copying) / 1e6 / perBlock);
    metadataTimes.push(Number(building) / 1e6 / perBlock);
  }
  return { copy: median(copyTimes), metadata: median(metadataTimes) };
}

if (require.main === module) {
  const at = process.argv.indexOf('--copy');
  if (at >= 0) console.log(JSON.stringify(measureCopies(Number(process.argv[at + 1]), Number(process.argv[at + 2]))));
  else console.log(registryScaling());
}
