import { BaseModel, Field, ForeignKey, ManyToMany, Model, Registry } from '../../lib';

const modelName = (i: number): string => `M${String(i).padStart(5, '0')}`;

/**
 * Declares `n` models on a fresh registry — model i with a string foreign key to model i + 1 (declared
 * later; the last one points at model 0) and every other one with a many-to-many to the next — then
 * resolves them and builds the metadata. Returns the number of tables built.
 */
export function declareModels(n: number): number {
  return declareRegistry(n).tables;
}

/** Like `declareModels`, returning the registry too. */
export function declareRegistry(n: number): { registry: Registry; tables: number } {
  const registry = new Registry('sqlite::memory:');
  for (let i = 0; i < n; i++) {
    const name = modelName(i);
    const next = modelName(i + 1 < n ? i + 1 : 0);
    const C = { [name]: class extends BaseModel {} }[name];
    Field({ type: 'string', maxLength: 100 })(C.prototype, 'title');
    ForeignKey(next, { relatedName: 'previous' })(C.prototype, 'next');
    if (i % 2 === 0 && i + 1 < n) ManyToMany(next)(C.prototype, 'tags');
    Model({ registry })(C);
  }
  registry.initModels();
  const tables = registry.metadata.tables.size;
  const expected = n + Math.floor(n / 2); // N models + one through model per many-to-many
  if (tables !== expected) throw new Error(`N=${n}: expected ${expected} tables (models + through models), got ${tables}.`);
  return { registry, tables };
}
