const { realpathSync } = require('node:fs');
const { tmpdir } = require('node:os');

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const tmp = [...new Set([tmpdir(), realpathSync(tmpdir())])].map(escapeRegExp).join('|');

/** Jest runs every spec against real databases; see spec/support/servers.ts. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    // The temp projects the CLI specs load in-process (spec/cli/in-process.ts): transpiled only, as the
    // binary's ts-node does; type-checking them is tsc's job in the specs that ask for it.
    [`^(${tmp})/keelson-[^/]+/.+\\.ts$`]: '<rootDir>/spec/support/transpile-only.js',
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: false }],
  },
  globalSetup: '<rootDir>/spec/support/global-setup.ts',
  globalTeardown: '<rootDir>/spec/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
