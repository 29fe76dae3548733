import { BaseModel, Field, Model, Registry } from '../../lib';
import { registerFeature } from '../../lib/registry/features';
import { IDENTIFIER, isIdentifier } from '../../lib/metadata/identifier';

/** Registry features plug in through `registerFeature`: construct, adopt and connect hooks. */
describe('registry features', () => {
  const seen: string[] = [];
  registerFeature({
    name: 'spec-recorder',
    construct: (registry) => seen.push(`construct:${registry.dbSchema ?? ''}`),
    adopt: (_registry, meta) => seen.push(`adopt:${meta.name}`),
    connect: { phase: 'reflect', run: async (registry) => void seen.push(`reflect:${registry.database.isConnected}`) },
  });

  beforeEach(() => seen.splice(0));

  it('runs the construct hook for each new registry, and the adopt hook for each concrete model', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry, abstract: true })
    class Base extends BaseModel {}
    @Model({ registry })
    class Thing extends Base {
      @Field() title!: string;
    }
    expect(Thing.meta.name).toBe('Thing');
    expect(seen).toEqual(['construct:', 'adopt:Thing']);
  });

  it('runs the connect step of its phase once per connection, after the databases connect', async () => {
    const registry = new Registry('sqlite::memory:');
    await registry.connect();
    await registry.connect();
    await registry.disconnect();
    await registry.connect();
    await registry.disconnect();
    expect(seen.filter((s) => s.startsWith('reflect'))).toEqual(['reflect:true', 'reflect:true']);
  });

  it('replaces a feature registered again under the same name', async () => {
    registerFeature({ name: 'spec-recorder', construct: () => seen.push('replaced') });
    new Registry('sqlite::memory:');
    expect(seen).toEqual(['replaced']);
  });
});

describe('identifiers', () => {
  it('accepts plain identifiers up to 63 characters', () => {
    expect(IDENTIFIER.test('user_table$1')).toBe(true);
    expect(isIdentifier('a'.repeat(63))).toBe(true);
    expect(isIdentifier('a'.repeat(64))).toBe(false);
    expect(isIdentifier('1abc')).toBe(false);
    expect(isIdentifier('has space')).toBe(false);
    expect(isIdentifier(42)).toBe(false);
  });
});
