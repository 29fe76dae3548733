import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  esModuleInterop: true,
};

/** Transpiles every .ts file under `dir` to CommonJS in `out` (what the published package ships). */
function buildPackage(dir: string, out: string): void {
  for (const name of readdirSync(dir)) {
    const source = path.join(dir, name);
    if (statSync(source).isDirectory()) {
      buildPackage(source, path.join(out, name));
    } else if (name.endsWith('.ts')) {
      mkdirSync(out, { recursive: true });
      const js = ts.transpileModule(readFileSync(source, 'utf8'), { compilerOptions: { ...OPTIONS, module: ts.ModuleKind.CommonJS } });
      writeFileSync(path.join(out, name.replace(/\.ts$/, '.js')), js.outputText);
    }
  }
}

/** Transpiles one fixture to an ES module, pointing its imports at the built package and sibling .mjs files. */
function buildEsmFixture(source: string, out: string, packageEntry: string): void {
  const js = ts.transpileModule(readFileSync(source, 'utf8'), { compilerOptions: { ...OPTIONS, module: ts.ModuleKind.ES2022 } });
  const text = js.outputText.replace(/from '\.\.\/\.\.\/\.\.\/lib'/g, `from '${packageEntry}'`).replace(/from '\.\/([a-z-]+)'/g, "from './$1.mjs'");
  writeFileSync(path.join(out, path.basename(source).replace(/\.ts$/, '.mjs')), text);
}

describe('circular imports between entity files under ESM', () => {
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'keelson-esm-'));
    buildPackage(path.join(ROOT, 'lib'), path.join(work, 'pkg', 'lib'));
    buildPackage(path.join(ROOT, 'decorators'), path.join(work, 'pkg', 'decorators'));
    // The built package resolves its dependencies from this checkout.
    writeFileSync(path.join(work, 'pkg', 'package.json'), JSON.stringify({ type: 'commonjs' }));
    const entry = path.join(work, 'pkg', 'lib', 'index.js');
    const app = path.join(work, 'app');
    mkdirSync(app);
    for (const file of ['registry', 'author', 'book']) buildEsmFixture(path.join(ROOT, 'spec/fixtures/circular', `${file}.ts`), app, entry);
    writeFileSync(
      path.join(app, 'main.mjs'),
      [
        "import { Author } from './author.mjs';",
        "import { Book } from './book.mjs';",
        "import { registry } from './registry.mjs';",
        'registry.initModels();',
        'console.log(JSON.stringify({',
        "  bookAuthor: Book.meta.fields.get('author').relation.target === Author,",
        "  authorFavourite: Author.meta.fields.get('favourite').relation.target === Book,",
        '  reverse: [...Author.meta.reverse.keys(), ...Book.meta.reverse.keys()],',
        '  tables: [...registry.metadata.tables.keys()].sort(),',
        '}));',
      ].join('\n'),
    );
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('evaluates both classes and binds the relations once both exist', () => {
    const output = execFileSync(process.execPath, [path.join(work, 'app', 'main.mjs')], {
      env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
    }).toString();
    expect(JSON.parse(output)).toEqual({
      bookAuthor: true,
      authorFavourite: true,
      reverse: ['books', 'favourited_by'],
      tables: ['authors', 'books'],
    });
  });
});
