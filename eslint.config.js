// ESLint for keelson: the recommended rules of ESLint and typescript-eslint (syntax only, no type
// information, so a run takes seconds). Layout is Prettier's (.prettierrc.json), checked by npm run lint.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/', 'coverage/', 'examples/blog/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Legacy decorators and reflect-metadata deal in class constructors typed `Function`, as TypeScript's
      // own ClassDecorator and PropertyDecorator types do.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // A leading underscore marks a parameter a signature needs but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Specs reach into internals on purpose.
    files: ['spec/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Plain CommonJS files (configs, the jest transform).
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
