import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../lib';
import { runCli } from './in-process';
import { makeProject, removeProject } from './support';

/**
 * The usual layout gone wrong: the model file imports the registry, but the --app module (the registry's
 * re-export) imports no model file, so the registry it hands the CLI has no models.
 */
const DB = `import { Registry } from 'keelson';\nexport const registry = new Registry('sqlite://' + __dirname + '/app.db');\n`;
const USER = `
import { BaseModel, Field, Model } from 'keelson';
import { registry } from '../db';

@Model({ registry })
export class User extends BaseModel {
  @Field({ maxLength: 80 }) email!: string;
}
`;

describe('the CLI with an --app module that registers no models', () => {
  let dir: string;
  let app: string;
  const cli = (...args: string[]) => runCli(args, { cwd: dir, input: 'y\n' });

  async function tables(): Promise<string[]> {
    const db = new Database(`sqlite://${join(dir, 'app.db')}`);
    try {
      await db.connect();
      return [...(await db.driver.listTables(db.knex))].sort();
    } finally {
      await db.disconnect();
    }
  }

  beforeAll(async () => {
    dir = makeProject('cli-empty');
    app = join(dir, 'app.ts');
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'db.ts'), DB);
    writeFileSync(join(dir, 'models', 'user.ts'), USER);
    writeFileSync(app, `export { registry } from './db';\n`);
    writeFileSync(join(dir, 'good.ts'), `import './models/user';\nexport { registry } from './db';\n`);
    // The table exists: an empty registry must never be read as "every table is gone".
    const created = await cli('createall', '--app', 'good.ts');
    expect(created.stderr).toBe('default: created 1 of 1 table (users)\n');
  });
  afterAll(() => removeProject(dir));

  it.each(['showmodels', 'createall', 'dropall --yes', 'makemigrations', 'makemigrations --check', 'makemigrations --allow-drop'])(
    '%s exits 1 naming the module and the fix, and touches nothing',
    async (command) => {
      const args = command.split(' ');
      const r = await cli(...args, '--app', 'app.ts');
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `keelson ${args[0]}: no models are registered in ${app}: does it import your model files? (Each model file imports the registry; the --app module must import every model file, e.g. \`import './models/user';\`, and export the registry.)\n`,
      );
      expect(r.status).toBe(1);
      expect(existsSync(join(dir, 'migrations'))).toBe(false);
      expect(await tables()).toEqual(['users']);
    },
  );

  it('still runs the commands that need no models, and every command once the module imports the models', async () => {
    const listed = await cli('showmigrations', '--app', 'app.ts');
    expect(listed.status).toBe(0);
    const migrate = await cli('migrate', '--app', 'app.ts');
    expect(migrate.stderr).toContain('nothing to apply');
    expect(migrate.status).toBe(0);

    const shown = await cli('showmodels', '--app', 'good.ts');
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('1 model\n  User -> table users');
  });
});
