import type { Dialect } from '../../dialects';
import { isExpression } from '../expressions/expression';
import { bindable } from '../lookups';
import { noteSecret } from '../../database/secret-bindings';
import { resolveKey } from '../path';
import { Q, type Lookups } from '../q';
import type { WhereNode } from '../state';
import type { ModelMeta } from '../../metadata/types';
import { addParts, LONGEST_CACHED_LIST } from './cached';
import type { StatementKey } from '../../database/statement-key';

/**
 * A statement shape being read off a queryset: `key` walks on with every part that decides the SQL text (see
 * `StatementKey`), `bindings` grows with every value, in the order Knex binds them.
 */
export interface ShapeKey {
  key: StatementKey;
  bindings: unknown[];
  /** The schema of the table, the key's last part (see `StatementKey`): one leaf per shape and tenant schema. */
  schema: string;
}

/**
 * Adds the where tree's shape to `shape`; false when it is not a plain one: excludes, `Q` objects, expressions,
 * keys that join or reach into JSON, long `in` lists. Those compile through Knex every time.
 */
export function whereShape(meta: ModelMeta, where: readonly WhereNode[], dialect: Dialect, shape: ShapeKey): boolean {
  for (const node of where) {
    if (node.negated) return false;
    for (const clause of node.clauses) {
      if (clause instanceof Q || isExpression(clause)) return false;
      if (!lookupsShape(meta, clause, dialect, shape)) return false;
    }
  }
  return true;
}

function lookupsShape(meta: ModelMeta, clause: Lookups, dialect: Dialect, shape: ShapeKey): boolean {
  for (const key in clause) {
    const { field, lookup, joined, jsonPath } = resolveKey(meta, key);
    const value = clause[key];
    if (joined || jsonPath || field.type === 'json' || field.type === 'array' || isExpression(value)) return false;
    const { bindings } = shape;
    switch (lookup) {
      case 'exact':
        if (value === null) addParts(shape, key, '=null');
        else {
          addParts(shape, key);
          bindings.push(bindable(field, dialect, value, key));
        }
        break;
      case 'isnull':
        // The lookup itself refuses a value that is not a boolean.
        if (typeof value !== 'boolean') return false;
        addParts(shape, key, value ? '=true' : '=false');
        break;
      case 'in': {
        if (!Array.isArray(value) || value.length > LONGEST_CACHED_LIST) return false;
        addParts(shape, key, '#', value.length);
        for (const v of value) bindings.push(bindable(field, dialect, v, key));
        break;
      }
      case 'range':
        if (!Array.isArray(value) || value.length !== 2) return false;
        addParts(shape, key);
        bindings.push(bindable(field, dialect, value[0], key), bindable(field, dialect, value[1], key));
        break;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        addParts(shape, key);
        bindings.push(bindable(field, dialect, value, key));
        break;
      default: {
        if (typeof value !== 'string') return false;
        const insensitive = lookup.startsWith('i');
        const mode = (insensitive ? lookup.slice(1) : lookup) as 'exact' | 'contains' | 'startswith' | 'endswith';
        const match = dialect.match('??', mode, value, insensitive);
        // The pattern's SQL is part of the key: a dialect may phrase a value differently (an escape clause).
        addParts(shape, key, '~', match.sql);
        if (field.secret) noteSecret(match.bindings);
        bindings.push(...match.bindings);
      }
    }
  }
  return true;
}
