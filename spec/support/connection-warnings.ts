/**
 * For suites that kill connections on purpose: the pool reports each dead connection as a console warning.
 * Call in a `describe`: the warnings are captured for the suite (a passing run prints nothing) and, when it
 * ends, checked to be only those connection errors.
 */
export function expectOnlyConnectionWarnings(): void {
  let warn: jest.SpyInstance;
  beforeAll(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterAll(() => {
    const warnings = warn.mock.calls.map((args) => args.join(' '));
    warn.mockRestore();
    for (const warning of warnings) expect(warning).toMatch(/^keelson: Connection Error: /);
  });
}
