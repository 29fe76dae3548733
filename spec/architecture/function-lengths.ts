import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

/** A function (declaration, method, arrow or expression) and its length in lines. */
export interface FunctionLength {
  where: string;
  name: string;
  lines: number;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every function below `roots` longer than `limit` lines (counted from its first to its last line). */
export function longFunctions(roots: string[], root: string, limit: number): FunctionLength[] {
  const out: FunctionLength[] = [];
  for (const file of roots.flatMap(sources)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = end - start + 1;
        if (lines > limit) {
          const named = (node as ts.FunctionLikeDeclaration).name;
          out.push({ where: `${relative(root, file)}:${start + 1}`, name: named ? named.getText(source) : '(anonymous)', lines });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}
