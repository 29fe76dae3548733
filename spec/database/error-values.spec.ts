import { BaseModel, DatabaseError, Field, ForeignKey, Model, Registry, Relation } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';
import { rejection } from '../support/rejection';

/**
 * A failed statement's error names the statement with its placeholders, never with the values it bound:
 * errors are logged and reported, and a password or a customer's data must not travel with them.
 */
function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Owner extends BaseModel {
    @Field({ maxLength: 40 }) name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Account extends BaseModel {
    @Field({ maxLength: 80, secret: true }) token!: string;
    @Field({ maxLength: 80 }) note!: string;
    @ForeignKey(() => Owner, { onDelete: 'CASCADE' }) owner!: Relation<Owner>;
  }
  return { Owner, Account };
}

for (const { url, label } of DIALECT_URLS) {
  describeWithServer(`values in database errors on ${label}`, url, () => {
    const registry = new Registry(url);
    const { Account } = declare(registry, uniqueName('ev'));

    beforeAll(() => registry.createAll());
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    it('a failed insert names its statement without the bound values', async () => {
      const token = `tok-${uniqueName('s')}`;
      const note = `note-${uniqueName('n')}`;
      // No owner 987654: the foreign key refuses the row.
      const error = await rejection(() => Account.query.create({ token, note, owner: 987654 }));
      expect(error).toBeInstanceOf(DatabaseError);
      const told = `${(error as Error).message}\n${String((error as Error).stack)}`;
      expect(told).toMatch(/insert into/i);
      expect(told).not.toContain(token);
      expect(told).not.toContain(note);
      expect(await Account.query.count()).toBe(0);
    });
  });
}
