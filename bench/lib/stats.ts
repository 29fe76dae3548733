/** Median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Microseconds elapsed since `start` (from `process.hrtime.bigint()`). */
export function micros(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1000;
}
