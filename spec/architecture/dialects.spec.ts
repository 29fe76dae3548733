import { join } from 'node:path';
import { dialectComparisons, findComparisons } from './dialect-names';

const ROOT = join(__dirname, '..', '..');

describe('dialect knowledge stays in lib/dialects/', () => {
  it('no code outside lib/dialects/ compares or switches on a dialect name', () => {
    const found = dialectComparisons(ROOT);
    if (found.length) throw new Error(`Ask the Dialect (lib/dialects/dialect.ts) instead:\n${found.join('\n')}`);
  });

  it('recognises the comparisons it forbids', () => {
    const lines = [
      "if (dialect.name === 'sqlite') {}",
      'if (db.dialect !== "mysql") {}',
      "    case 'postgres':",
      "const same = 'mysql' === name;",
      'if (this.database.dialect === other) {}',
    ];
    expect(lines.map((line) => findComparisons('x.ts', line).length)).toEqual([2, 2, 1, 1, 1]);
    expect(findComparisons('x.ts', "const label = 'sqlite'; if (driver.transactionalDdl) {}")).toEqual([]);
  });
});
