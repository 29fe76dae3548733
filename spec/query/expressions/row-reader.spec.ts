import { readRow, rowReader, type ComputedColumn } from '../../../lib/query/expressions/select';

const column = (key: string, as: string, convert: (value: unknown) => unknown = (v) => v): ComputedColumn => ({ key, as, convert });

describe('compiled row readers of values()', () => {
  it('reads each row into an object of the keys, every value through its column’s converter', () => {
    const read = rowReader([column('author', 'v0'), column('n', 'v1', Number), column('avgPages', 'v2', (v) => (v === null ? null : Number(v)))]);
    expect(
      [
        { v0: 7, v1: '3', v2: '12.5' },
        { v0: 8, v1: 1, v2: null },
      ].map(read),
    ).toEqual([
      { author: 7, n: 3, avgPages: 12.5 },
      { author: 8, n: 1, avgPages: null },
    ]);
  });

  it('takes any text as a key or alias, quotes, backslashes and line breaks included, as the generic reader does', () => {
    const columns = [column('it"s', 'v"0'), column('back\\slash', 'v\\1'), column('line\nbreak\u2028', 'v\n2'), column('author__name', 'v3')];
    const row = { 'v"0': 1, 'v\\1': 2, 'v\n2': 3, v3: 'Ann' };
    const read = rowReader(columns)(row);
    expect(read).toEqual({ 'it"s': 1, 'back\\slash': 2, 'line\nbreak\u2028': 3, author__name: 'Ann' });
    expect(read).toEqual(readRow(row, columns));
  });

  it('keeps a key named __proto__ an own property, never the prototype', () => {
    const columns = [column('__proto__', 'v0'), column('n', 'v1')];
    const row = { v0: { polluted: true }, v1: 1 };
    for (const read of [rowReader(columns)(row), readRow(row, columns)]) {
      expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
      expect((read as { polluted?: boolean }).polluted).toBeUndefined();
      expect(Object.getOwnPropertyDescriptor(read, '__proto__')?.value).toEqual({ polluted: true });
      expect(Object.keys(read)).toEqual(['__proto__', 'n']);
    }
  });

  it('gives each query its own converters for the same layout', () => {
    const doubled = rowReader([column('n', 'v0', (v) => Number(v) * 2)]);
    const negated = rowReader([column('n', 'v0', (v) => -Number(v))]);
    expect([doubled({ v0: 4 }), negated({ v0: 4 })]).toEqual([{ n: 8 }, { n: -4 }]);
  });
});
