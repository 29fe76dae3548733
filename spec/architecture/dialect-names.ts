import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Dialect knowledge lives in lib/dialects/<name>/ only: code elsewhere asks the `Dialect` for a property
 * or hook (`transactionalDdl`, `migrations.planRebuilds`, …) instead of comparing its name.
 */

const SCANNED = ['lib', 'decorators'];
const ALLOWED = join('lib', 'dialects') + sep;
const NAME = `['"\`](?:sqlite|postgres|mysql)['"\`]`;

/** What a comparison of a dialect name looks like. */
const PATTERNS: { what: string; pattern: RegExp }[] = [
  { what: 'compared with a dialect name', pattern: new RegExp(`[!=]==?\\s*${NAME}|${NAME}\\s*[!=]==?`) },
  { what: 'switched on a dialect name', pattern: new RegExp(`\\bcase\\s+${NAME}`) },
  { what: 'dialect name compared', pattern: /\b(?:dialect|driver)\.name\s*[!=]==?|\.dialect\s*[!=]==?/ },
];

/** Every `.ts` file under `dir`. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line: what` for each line of `source` that compares a dialect name. */
export function findComparisons(file: string, source: string): string[] {
  return source
    .split('\n')
    .flatMap((line, i) => PATTERNS.filter(({ pattern }) => pattern.test(line)).map(({ what }) => `${file}:${i + 1}: ${what}: ${line.trim()}`));
}

/** Every comparison of a dialect name in `lib/` and `decorators/` outside `lib/dialects/`, as `file:line: what: code`. */
export function dialectComparisons(root: string): string[] {
  return SCANNED.flatMap((dir) => tsFiles(join(root, dir)))
    .map((path) => relative(root, path))
    .filter((file) => !file.startsWith(ALLOWED))
    .flatMap((file) => findComparisons(file, readFileSync(join(root, file), 'utf8')));
}
