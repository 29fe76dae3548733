/** Where keelson writes diagnostics; replace its methods to route them elsewhere. */
export const logger = {
  error: (message: string): void => console.error(`keelson: ${message}`),
  warn: (message: string): void => console.warn(`keelson: ${message}`),
};
