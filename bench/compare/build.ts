import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** Compiles keelson's `lib/` and `decorators/` at git `ref` (or the working tree for `'.'`) to JavaScript; returns the compiled `lib` folder. */
export function buildRef(ref: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keelson-compare-'));
  let source = root;
  if (ref !== '.') {
    source = path.join(dir, 'src');
    execFileSync('mkdir', ['-p', source]);
    // git archive instead of a worktree: nothing to clean up in the repository afterwards.
    const tar = execFileSync('git', ['archive', ref, 'lib', 'decorators', 'tsconfig.json', 'tsconfig.build.json'], { cwd: root, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', source], { input: tar });
    symlinkSync(path.join(root, 'node_modules'), path.join(source, 'node_modules'));
  }
  const out = path.join(dir, 'dist');
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', path.join(source, 'tsconfig.build.json'), '--outDir', out], { cwd: source, stdio: 'inherit' });
  // Compiled code resolves knex, sqlite3 and the rest from the checkout's install.
  symlinkSync(path.join(root, 'node_modules'), path.join(out, 'node_modules'));
  return path.join(out, 'lib');
}
