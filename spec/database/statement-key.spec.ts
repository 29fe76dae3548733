import { keyParts, keyStep, rootKey, type StatementKey } from '../../lib/database/statement-key';

const walk = (...parts: (string | number)[]): StatementKey => parts.reduce<StatementKey>((key, part) => keyStep(key, part), rootKey());

describe('statement keys', () => {
  it('are the same object for the same parts in the same order, built from fresh strings or not', () => {
    const fresh = ['sel', 'ect'].join('');
    expect(walk('select', 3, '', 'pk')).toBe(walk(fresh, 3, '', ['p', 'k'].join('')));
    expect(keyParts(walk('select', 3, '', 'pk'))).toEqual(['select', 3, '', 'pk']);
  });

  it('tell apart parts that would read alike joined into one string', () => {
    const keys = [
      walk('select', 3, 'a', 'b'),
      walk('select', 3, 'a|b'),
      walk('select', 3, 'ab'),
      walk('select', 3, '3'),
      walk('select', 3),
      walk('select', '3'),
      walk('select', 3, 'a', 'b', 2),
      walk('select', 3, 'a', 'b', '2'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('start afresh past their bound, and a walk under way goes on from where it was', () => {
    const before = walk('bounded', 1);
    for (let i = 0; i < 100_001; i++) keyStep(before, i);
    // The tree started afresh: the same parts now lead to a new node, with the same parts.
    const after = walk('bounded', 1);
    expect(after).not.toBe(before);
    expect(keyParts(after)).toEqual(keyParts(before));
    expect(keyParts(keyStep(before, 'on'))).toEqual(['bounded', 1, 'on']);
  });
});
