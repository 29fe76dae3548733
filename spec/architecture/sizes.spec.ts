import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { longFunctions } from './function-lengths';
import { runtimeImports } from './import-cycles';

/** Small files with one concern: no file in lib/ or decorators/ over 400 lines, no function over 80. */
const ROOT = join(__dirname, '..', '..');
const CODE = [join(ROOT, 'lib'), join(ROOT, 'decorators')];

describe('code sizes', () => {
  it('no function over 80 lines', () => {
    expect(longFunctions(CODE, ROOT, 80).map((f) => `${f.where} ${f.name} (${f.lines})`)).toEqual([]);
  });

  it('no file over 400 lines', () => {
    const long = [...runtimeImports(CODE).keys()]
      .map((file) => ({ file: file.slice(ROOT.length + 1), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 400);
    expect(long).toEqual([]);
  });

  it('measures a function from its first line to its last', () => {
    const found = longFunctions([join(ROOT, 'spec', 'architecture')], ROOT, 10).map((f) => f.name);
    expect(found).toContain('longFunctions');
  });
});
