/**
 * A value now, or a promise of it. On a synchronous driver (better-sqlite3) a cached statement answers at
 * once: passing its result along as a value, not a promise per step, leaves one promise per public call, where
 * an `async` function at each layer cost one or two each (and every promise costs more once any library in
 * the process uses `AsyncLocalStorage`).
 */
export type Maybe<T> = T | Promise<T>;

/**
 * `next(value, a, b, c)`: now when `value` is here, else once it resolves. The arguments are passed through so
 * that a hot caller can hand over a plain function instead of a new closure (one is made only to wait).
 */
export function andThen<T, R, A = undefined, B = undefined, C = undefined>(
  value: Maybe<T>,
  next: (value: T, a: A, b: B, c: C) => Maybe<R>,
  a?: A,
  b?: B,
  c?: C,
): Maybe<R> {
  return value instanceof Promise ? value.then((resolved) => next(resolved, a as A, b as B, c as C)) : next(value, a as A, b as B, c as C);
}

/**
 * What `run(a, b)` gives, as a promise: settled already when it answered now, rejected when it threw. The
 * arguments are passed through so that a hot caller can hand over a plain function instead of a new closure.
 */
export function settle<T, A = undefined, B = undefined>(run: (a: A, b: B) => Maybe<T>, a?: A, b?: B): Promise<T> {
  try {
    return Promise.resolve(run(a as A, b as B));
  } catch (error) {
    return Promise.reject(error);
  }
}
