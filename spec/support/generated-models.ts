import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import * as keelson from '../../lib';
import type { Registry } from '../../lib';

/** Where the generated files import keelson from when they are type-checked. */
const LIB = resolve(__dirname, '../../lib');

/** The compiler options a keelson project needs (see the README's "Use keelson in your project"). */
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  strict: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
};

/** Type errors of `inspectdb` output (generated with `packageName: 'keelson'`, `registryImport: './registry'`); empty when it compiles. */
export function typeErrors(source: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-generated-'));
  try {
    writeFileSync(join(dir, 'registry.ts'), `import { Registry } from ${JSON.stringify(LIB)};\nexport const registry = new Registry('sqlite::memory:');\n`);
    writeFileSync(join(dir, 'models.ts'), source.split('from "keelson"').join(`from ${JSON.stringify(LIB)}`));
    const program = ts.createProgram([join(dir, 'models.ts')], OPTIONS);
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Evaluates `inspectdb` output in this process, its models registered on `registry`; resolves to its exports. */
export function loadGenerated(source: string, registry: Registry): Record<string, keelson.ModelClass> {
  const { outputText } = ts.transpileModule(source, { compilerOptions: { ...OPTIONS, noEmit: false } });
  const module = { exports: {} as Record<string, keelson.ModelClass> };
  const load = (name: string) => {
    if (name === 'keelson') return keelson;
    if (name === './registry') return { registry };
    throw new Error(`generated models import ${name}`);
  };
  new Function('exports', 'require', 'module', outputText)(module.exports, load, module);
  return module.exports;
}
