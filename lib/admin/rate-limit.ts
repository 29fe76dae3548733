/** Failed sign-ins allowed per address inside the window. */
const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60 * 1000;

/** Counts failed sign-ins per client address over a sliding window. */
export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = MAX_FAILURES,
    private readonly windowMs = WINDOW_MS,
  ) {}

  private recent(address: string, now: number): number[] {
    const kept = (this.failures.get(address) ?? []).filter((t) => t > now - this.windowMs);
    if (kept.length) this.failures.set(address, kept);
    else this.failures.delete(address);
    return kept;
  }

  /** Whether the address has used up its attempts (checked before any password comparison). */
  blocked(address: string, now = Date.now()): boolean {
    return this.recent(address, now).length >= this.max;
  }

  /** Records one wrong password. */
  fail(address: string, now = Date.now()): void {
    this.failures.set(address, [...this.recent(address, now), now]);
  }

  /** Forgets the address's failures after a good sign-in. */
  succeed(address: string): void {
    this.failures.delete(address);
  }
}
