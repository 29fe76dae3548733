import { BaseModel, Field, ForeignKey, Model, QueryError, Registry, Relation } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

const SCORES = [5, 12, 7, 30, 18, 3, 25, 12];

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const prefix = uniqueName('so');

    @Model({ registry, tablePrefix: prefix })
    class Team extends BaseModel {
      @Field({ maxLength: 20 }) label!: string;
    }

    @Model({ registry, tablePrefix: prefix })
    class Player extends BaseModel {
      @Field({ maxLength: 20 }) name!: string;
      @Field() score!: number;
      @ForeignKey(() => Team) team!: Relation<Team>;
    }

    type P = { name: string; score: number };
    const rows: P[] = SCORES.map((score, i) => ({ name: `p${i}`, score }));
    const low = (p: P) => p.score < 13;
    const even = (p: P) => p.score % 2 === 0;
    const byName = (ps: P[]) => ps.map((p) => p.name).sort();
    const names = async (qs: PromiseLike<P[]>) => byName(await qs);

    beforeAll(async () => {
      await registry.createAll();
      const red = await Team.query.create({ label: 'red' });
      const blue = await Team.query.create({ label: 'blue' });
      for (const [i, row] of rows.entries()) await Player.query.create({ ...row, team: i % 2 ? red : blue });
    });

    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    const lowQs = () => Player.query.filter({ score__lt: 13 });
    const evenQs = () => Player.query.filter({ score__in: SCORES.filter((s) => s % 2 === 0) });

    it('union gives each row once, as hydrated instances', async () => {
      const result = await lowQs().union(evenQs());
      expect(result.every((p) => p instanceof Player)).toBe(true);
      expect(byName(result)).toEqual(byName(rows.filter((p) => low(p) || even(p))));
      expect(await lowQs().union(evenQs()).count()).toBe(rows.filter((p) => low(p) || even(p)).length);
    });

    it('union({ all: true }) keeps rows found in both', async () => {
      const expected = [...rows.filter(low), ...rows.filter(even)];
      expect(await names(lowQs().union(evenQs(), { all: true }))).toEqual(byName(expected));
      expect(await lowQs().union(evenQs(), { all: true }).count()).toBe(expected.length);
    });

    it('intersection and difference', async () => {
      expect(await names(lowQs().intersection(evenQs()))).toEqual(byName(rows.filter((p) => low(p) && even(p))));
      expect(await names(lowQs().difference(evenQs()))).toEqual(byName(rows.filter((p) => low(p) && !even(p))));
      expect(await lowQs().difference(evenQs()).count()).toBe(rows.filter((p) => low(p) && !even(p)).length);
      expect(await lowQs().intersection(evenQs()).exists()).toBe(rows.some((p) => low(p) && even(p)));
      expect(
        await lowQs()
          .intersection(Player.query.filter({ score__gt: 1000 }))
          .exists(),
      ).toBe(false);
    });

    it('several operands, and combinations of combinations', async () => {
      const big = () => Player.query.filter({ score__gt: 20 });
      expect(await names(lowQs().union(evenQs(), big()))).toEqual(byName(rows.filter((p) => low(p) || even(p) || p.score > 20)));
      expect(await names(lowQs().union(big()).difference(evenQs()))).toEqual(byName(rows.filter((p) => (low(p) || p.score > 20) && !even(p))));
    });

    it('orderBy, limit and offset apply to the combined rows', async () => {
      const all = rows.filter((p) => low(p) || even(p)).sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
      const ordered = await lowQs().union(evenQs()).orderBy('-score', 'name');
      expect(ordered.map((p) => p.name)).toEqual(all.map((p) => p.name));
      const page = await lowQs().union(evenQs()).orderBy('-score', 'name').limit(2).offset(1);
      expect(page.map((p) => p.name)).toEqual(all.slice(1, 3).map((p) => p.name));
      expect(await lowQs().union(evenQs()).orderBy('-score', 'name').offset(2).count()).toBe(all.length - 2);
      expect((await lowQs().union(evenQs()).orderBy('score', 'name').first())?.name).toBe([...all].reverse()[0].name);
      // An order through a relation joins from the combined rows.
      const byTeam = await lowQs().union(evenQs()).orderBy('team__label', 'name');
      expect(byTeam).toHaveLength(all.length);
    });

    it('operands keep their own order and slice', async () => {
      const top = () => Player.query.orderBy('-score', 'name').limit(2);
      const bottom = () => Player.query.orderBy('score', 'name').limit(2);
      const sorted = [...rows].sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
      const expected = [...sorted.slice(0, 2), ...sorted.slice(-2)];
      expect(await names(top().union(bottom()))).toEqual(byName(expected));
    });

    it('refuses another model, filter after combining and writes with QueryError', async () => {
      expect(() => lowQs().union(Team.query.all() as never)).toThrow(QueryError);
      expect(() => lowQs().intersection(Team.query.all() as never)).toThrow(/Team/);
      await expect(lowQs().union(evenQs()).filter({ name: 'p0' })).rejects.toThrow(QueryError);
      await expect(lowQs().union(evenQs()).delete()).rejects.toThrow(QueryError);
      expect(await Player.query.count()).toBe(rows.length);
    });
  };
  if (name === 'sqlite') describe(`set operations on ${label}`, body);
  else describeWithServer(`set operations on ${label}`, url, body);
}
