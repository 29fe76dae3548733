import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialectComparisons } from './dialect-names';
import { longFunctions } from './function-lengths';
import { importCycles, runtimeImports } from './import-cycles';

/**
 * `npm run lint`'s shape checks (the specs in this folder assert the same): no runtime import cycle, no
 * dialect-name comparison outside lib/dialects/, no function over 80 lines and no file over 400 in lib/.
 */
const ROOT = join(__dirname, '..', '..');
const CODE = [join(ROOT, 'lib'), join(ROOT, 'decorators')];

const graph = runtimeImports(CODE);
const problems = [
  ...importCycles(graph, ROOT).map((group) => `import cycle: ${group.join(' → ')}`),
  ...dialectComparisons(ROOT).map((line) => `dialect name outside lib/dialects/: ${line}`),
  ...longFunctions(CODE, ROOT, 80).map((f) => `function over 80 lines: ${f.where} ${f.name} (${f.lines})`),
  ...[...graph.keys()]
    .map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n').length }))
    .filter(({ lines }) => lines > 400)
    .map(({ file, lines }) => `file over 400 lines: ${file.slice(ROOT.length + 1)} (${lines})`),
];
for (const problem of problems) console.error(problem);
process.exitCode = problems.length ? 1 : 0;
