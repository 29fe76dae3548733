import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL, blogMigrations, writeMigrations } from '../support/migration-files';
import { makeProject, removeProject, spawnCli } from './support';

/**
 * A project where `npm i -D typescript` installed TypeScript 7: its package has no `sys`, and ts-node fails
 * on it with "Cannot read properties of undefined (reading 'fileExists')". The fake package below fails
 * ts-node the same way. Spawned: the point is ts-node registering itself in a real process.
 */
describe('the CLI when the project has TypeScript 7', () => {
  let dir: string;
  const HINT = 'TypeScript 7.0.0 is installed';
  const FIX = 'ts-node and decorator metadata need TypeScript 5.x: npm i -D typescript@5';

  beforeAll(() => {
    dir = makeProject('cli-ts7');
    const ts = join(dir, 'node_modules', 'typescript');
    mkdirSync(ts);
    writeFileSync(join(ts, 'package.json'), JSON.stringify({ name: 'typescript', version: '7.0.0', main: 'index.js' }));
    writeFileSync(join(ts, 'index.js'), "module.exports = { version: '7.0.0' };\n");
    writeFileSync(join(dir, 'app.ts'), "import { Registry } from 'keelson';\nexport const registry = new Registry('sqlite::memory:');\n");
    writeFileSync(
      join(dir, 'plain.js'),
      "const { Registry } = require('keelson');\nmodule.exports = { registry: new Registry('sqlite://' + __dirname + '/app.db') };\n",
    );
    writeMigrations(join(dir, 'migrations'), 'default', { [`${ALL[0]}.ts`]: blogMigrations()[`${ALL[0]}.ts`] });
  });
  afterAll(() => removeProject(dir));

  it("names the version and the fix instead of ts-node's TypeError when loading a .ts app", () => {
    const r = spawnCli(['showmodels', '--app', 'app.ts'], { cwd: dir });
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`keelson showmodels: Could not load app module ${join(dir, 'app.ts')}: ts-node cannot compile TypeScript here: ${HINT}`);
    expect(r.stderr).toContain(join(dir, 'node_modules', 'typescript', 'package.json'));
    expect(r.stderr).toContain(FIX);
    expect(r.stderr).not.toContain('fileExists');
    expect(r.status).toBe(1);
  });

  it('says the same when a JavaScript app has TypeScript migrations', () => {
    const r = spawnCli(['migrate', '--app', 'plain.js'], { cwd: dir });
    expect(r.stderr).toContain(HINT);
    expect(r.stderr).toContain(FIX);
    expect(r.stderr).not.toContain('fileExists');
    expect(r.status).toBe(1);
  });
});
