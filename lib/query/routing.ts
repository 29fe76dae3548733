import { ConfigurationError } from '../errors';
import type { ModelMeta } from '../metadata/types';
import type { RouterHints } from '../registry/router';
import type { QuerySetState } from './state';

/**
 * The alias a model's reads or writes go to: the registry router's answer (checked to name a database of the
 * registry, so no query goes to a wrong place), else `fallback` (the model's own alias).
 */
export function routedAlias(meta: ModelMeta, kind: 'read' | 'write', fallback: string, hints?: RouterHints): string {
  const { registry } = meta;
  const router = registry.router;
  if (router === undefined) return fallback;
  const route = kind === 'read' ? router.dbForRead : router.dbForWrite;
  if (!route) return fallback;
  const alias = route.call(router, meta.model, hints ?? {});
  if (alias === undefined || alias === null) return fallback;
  if (typeof alias !== 'string' || !registry.hasAlias(alias)) {
    throw new ConfigurationError(
      `router.${kind === 'read' ? 'dbForRead' : 'dbForWrite'}(${meta.name}) returned ${JSON.stringify(alias)}, which names no database of the registry (aliases: ${['default', ...Object.keys(registry.extra)].join(', ')}).`,
    );
  }
  return alias;
}

/** The alias a queryset's reads or writes go to: its `using()` alias when it has one, else the router's. */
export function stateAlias(state: Pick<QuerySetState, 'meta' | 'alias' | 'pinned'>, kind: 'read' | 'write'): string {
  return state.pinned ? state.alias : routedAlias(state.meta, kind, state.alias);
}
