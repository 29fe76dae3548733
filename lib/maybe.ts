/**
 * A value now, or a promise of it. On a synchronous driver (better-sqlite3) a cached statement answers at
 * once: passing its result along as a value, not a promise per step, leaves one promise per public call, where
 * an `async` function at each layer cost one or two each (and every promise costs more once any library in
 * the process uses `AsyncLocalStorage`).
 */
export type Maybe<T> = T | Promise<T>;

/** `next(value)`: now when `value` is here, else once it resolves. */
export function andThen<T, R>(value: Maybe<T>, next: (value: T) => Maybe<R>): Maybe<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** What `run()` gives, as a promise: settled already when it answered now, rejected when it threw. */
export function settle<T>(run: () => Maybe<T>): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}
