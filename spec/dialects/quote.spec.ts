import { quoteWith } from '../../lib/dialects/common';

describe('quoteWith', () => {
  it('quotes a name and doubles the quote character inside it, the same on every call', () => {
    const quote = quoteWith('"');
    expect([quote('users'), quote('we"ird'), quote('we"ird')]).toEqual(['"users"', '"we""ird"', '"we""ird"']);
    const backtick = quoteWith('`');
    expect([backtick('users'), backtick('a`b'), backtick('a"b')]).toEqual(['`users`', '`a``b`', '`a"b`']);
  });

  it('keeps answering correctly past the names it keeps', () => {
    const quote = quoteWith('"');
    const names = Array.from({ length: 25_000 }, (_, i) => `c${i}"x`);
    for (const name of names) quote(name);
    expect(names.filter((_, i) => i % 997 === 0).map(quote)).toEqual(names.filter((_, i) => i % 997 === 0).map((n) => `"${n.replace('"', '""')}"`));
  });
});
