/** The error `fn` rejects with (fails the test when it resolves), for assertions on its class and fields. */
export async function rejection(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
