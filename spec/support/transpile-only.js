const { createHash } = require('node:crypto');
const ts = require('typescript');

/**
 * The jest transform of the temp projects the CLI specs load in-process (spec/cli/in-process.ts): TypeScript
 * transpiled only, with the options the CLI gives ts-node, as the binary does. (A second ts-jest entry with
 * other options would not do: ts-jest keeps one configuration per jest project.)
 */
const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  esModuleInterop: true,
  inlineSourceMap: true,
};

module.exports = {
  process(source, fileName) {
    return { code: ts.transpileModule(source, { compilerOptions, fileName }).outputText };
  },
  getCacheKey(source, fileName) {
    return createHash('sha256')
      .update(ts.version)
      .update(JSON.stringify(compilerOptions))
      .update('\0')
      .update(fileName)
      .update('\0')
      .update(source)
      .digest('hex');
  },
};
