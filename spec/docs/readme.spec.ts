import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The README is part of the contract: its "Use keelson in your project" tsconfig and its tour must work as
 * written in a plain CommonJS project that installs keelson as a package.
 */
const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first fenced block of `lang` after `heading`. */
function block(heading: string, lang: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(README.slice(start));
  if (!match) throw new Error(`README has no ${lang} block under ${heading}`);
  return match[1];
}

describe('README', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keelson-readme-'));
    mkdirSync(join(dir, 'node_modules'));
    // `npm install keelson` in a user's project: the package as published (its built dist/).
    symlinkSync(ROOT, join(dir, 'node_modules', 'keelson'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-app', private: true }));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the compiler options keelson needs, and the tour runs as written under CommonJS', () => {
    const tsconfig = JSON.parse(block('## Use keelson in your project', 'json')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: false,
      module: 'commonjs',
    });
    // Only where this temp project finds @types/node differs from a user's project.
    tsconfig.compilerOptions.typeRoots = [join(ROOT, 'node_modules', '@types')];
    tsconfig.compilerOptions.types = ['node'];
    tsconfig.compilerOptions.outDir = 'out';
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...tsconfig, include: ['tour.ts'] }));
    writeFileSync(join(dir, 'tour.ts'), block('## A tour', 'ts'));

    execFileSync(TSC, ['-p', dir], { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
    const run = spawnSync(process.execPath, [join(dir, 'out', 'tour.js')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual(['1', 'true', 'posttagsthrough']);
    expect(run.status).toBe(0);
  }, 120_000);
});
