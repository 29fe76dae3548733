/*
 * Caches derived from model metadata (resolved paths, compiled shapes) register here, so whoever rebuilds
 * metadata can forget them all without importing each cache's module (which would close import cycles:
 * the path resolver reaches the relation loaders, which reach the hydrator).
 */
const listeners: (() => void)[] = [];

/** Calls `forget` whenever model metadata is rebuilt. */
export function onMetadataChange(forget: () => void): void {
  listeners.push(forget);
}

/** Forgets every cache registered with `onMetadataChange`. */
export function metadataChanged(): void {
  for (const forget of listeners) forget();
}
