/**
 * Edit distance with adjacent transpositions (optimal string alignment): `Usr` → `User` is 1, `Uesr` → `User`
 * is 1. Stops early once every cell of a row exceeds `limit`, returning `limit + 1`.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2] + 1);
      row.push(d);
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length];
}

/**
 * The names closest to `wanted`, best first: those equal ignoring case or within edit distance 2 (also
 * ignoring case), at most `max` of them.
 */
export function closestNames(wanted: string, names: Iterable<string>, max = 3): string[] {
  const lower = wanted.toLowerCase();
  const scored: { name: string; distance: number }[] = [];
  for (const name of new Set(names)) {
    const distance = editDistance(lower, name.toLowerCase(), 2);
    if (distance <= 2) scored.push({ name, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name));
  return scored.slice(0, max).map((s) => s.name);
}

/** `A`, `A or B`, `A, B or C`. */
export function orList(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
