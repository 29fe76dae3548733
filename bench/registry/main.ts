/**
 * Registry scaling benchmark: declares N models programmatically (string references to models declared
 * later, every other model with a many-to-many), resolves them and builds the metadata, and reports the
 * median wall time for N = 1,000 and 5,000. Linear code gives a 5,000/1,000 ratio close to 5.
 */
import * as v8 from 'v8';
import * as vm from 'vm';
import { BaseModel, Field, ForeignKey, ManyToMany, Model, Registry } from '../../lib';

const SIZES = [1_000, 5_000];
/** Warm-up rounds per size (unmeasured), after one global warm-up round at the largest size for the JIT. */
const WARMUP_ROUNDS = 1;
const MEASURED_ROUNDS = 5;

// A full GC before each measured round, so garbage from the previous registry is not collected inside it.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const modelName = (i: number): string => `M${String(i).padStart(5, '0')}`;

/** One round: a fresh registry, N declared models, metadata built. Returns [ms, table count]. */
function round(n: number): [number, number] {
  const start = process.hrtime.bigint();
  const registry = new Registry('sqlite::memory:');
  for (let i = 0; i < n; i++) {
    const name = modelName(i);
    // Model i points at model i + 1, declared later (a deferred string reference); the last one at model 0.
    const next = modelName(i + 1 < n ? i + 1 : 0);
    const C = { [name]: class extends BaseModel {} }[name];
    Field({ type: 'string', maxLength: 100 })(C.prototype, 'title');
    ForeignKey(next, { relatedName: 'previous' })(C.prototype, 'next');
    if (i % 2 === 0 && i + 1 < n) ManyToMany(next)(C.prototype, 'tags');
    Model({ registry })(C);
  }
  registry.initModels();
  const tables = registry.metadata.tables.size;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const expected = n + Math.floor(n / 2); // N models + one through model per many-to-many
  if (tables !== expected) throw new Error(`N=${n}: expected ${expected} tables (models + through models), got ${tables}.`);
  return [ms, tables];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function main(): void {
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
  console.log(`Registry: declare + resolve + build metadata (median of ${MEASURED_ROUNDS} rounds after warm-up, full GC before each, node ${process.version})\n`);
  console.log('| models (N) | tables built | median ms | min ms | max ms | µs / model |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const [n, r] of results) {
    console.log(`| ${n.toLocaleString('en-US')} | ${r.tables.toLocaleString('en-US')} | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${fmt((r.median * 1000) / n)} |`);
  }
  const [small, large] = SIZES.map((n) => results.get(n)!.median);
  console.log(`\nratio ${SIZES[1].toLocaleString('en-US')}/${SIZES[0].toLocaleString('en-US')}: ${(large / small).toFixed(2)} (linear scaling would be ${(SIZES[1] / SIZES[0]).toFixed(0)})`);
}

main();
