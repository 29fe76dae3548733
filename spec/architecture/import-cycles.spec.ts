import { join } from 'node:path';
import { importCycles, runtimeImports } from './import-cycles';

/** keelson's modules import each other without runtime cycles (type-only imports do not count). */
const ROOT = join(__dirname, '..', '..');

describe('runtime imports', () => {
  it('form no cycle in lib/ and decorators/', () => {
    const graph = runtimeImports([join(ROOT, 'lib'), join(ROOT, 'decorators')]);
    expect(graph.size).toBeGreaterThan(100);
    expect(importCycles(graph, ROOT)).toEqual([]);
  });

  it('are told apart from type-only imports, and a cycle is found', () => {
    const graph = runtimeImports([join(ROOT, 'lib', 'query')]);
    // queryset.ts imports the compiler for its values and the BaseModel type only.
    const queryset = graph.get(join(ROOT, 'lib', 'query', 'queryset.ts'))!;
    expect(queryset).toContain(join(ROOT, 'lib', 'query', 'compiler.ts'));
    expect(queryset).not.toContain(join(ROOT, 'lib', 'models', 'base-model.ts'));
    const cyclic = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/c.ts']],
      ['/c.ts', ['/a.ts']],
      ['/d.ts', ['/a.ts']],
    ]);
    expect(importCycles(cyclic, '/')).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
