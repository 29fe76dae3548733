import { BaseModel, ConfigurationError, Field, Manager, Model, ModelClass, Registry } from '../../lib';
import { describeOnSqliteAndPostgres, uniqueName } from '../support/servers';

type Receiver = (sender: ModelClass, instance: BaseModel, extra: Record<string, unknown>) => unknown;

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Note extends BaseModel {
    declare static query: Manager<Note>;
    @Field() title!: string;
    @Field({ default: 0 }) rank!: number;
  }
  return { Note };
}

describe('model signals on SQLite', () => {
  const registry = new Registry('sqlite::memory:');
  const { Note } = declare(registry, uniqueName('sig'));
  const signals = Note.signals;
  const connected: [keyof typeof signals, Receiver][] = [];

  /** Connects a receiver for one test (afterEach disconnects it). */
  const on = (name: 'preSave' | 'postSave' | 'preUpdate' | 'postUpdate' | 'preDelete' | 'postDelete', receiver: Receiver) => {
    signals[name].connect(receiver);
    connected.push([name, receiver]);
  };

  beforeAll(async () => {
    await registry.createAll();
  });

  afterEach(() => {
    for (const [name, receiver] of connected.splice(0)) signals[name].disconnect(receiver);
  });

  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
  });

  it('create() and save() fire preSave / postSave, with extra.created telling insert from update', async () => {
    const events: { signal: string; sender: unknown; title: string; pk: unknown; created: unknown }[] = [];
    const record = (signal: string) => (sender: ModelClass, instance: BaseModel, extra: Record<string, unknown>) => {
      events.push({ signal, sender, title: (instance as InstanceType<typeof Note>).title, pk: instance.pk, created: extra.created });
    };
    on('preSave', record('preSave'));
    on('postSave', record('postSave'));

    const note = await Note.query.create({ title: 'created' });
    expect(events).toEqual([
      { signal: 'preSave', sender: Note, title: 'created', pk: undefined, created: true },
      { signal: 'postSave', sender: Note, title: 'created', pk: note.pk, created: true },
    ]);

    events.length = 0;
    const fresh = new Note({ title: 'saved new' });
    await fresh.save();
    expect(events.map((e) => [e.signal, e.created])).toEqual([
      ['preSave', true],
      ['postSave', true],
    ]);

    events.length = 0;
    fresh.title = 'saved again';
    await fresh.save();
    expect(events).toEqual([
      { signal: 'preSave', sender: Note, title: 'saved again', pk: fresh.pk, created: false },
      { signal: 'postSave', sender: Note, title: 'saved again', pk: fresh.pk, created: false },
    ]);
  });

  it('a preSave receiver may change the instance before it is written', async () => {
    on('preSave', (_sender, instance) => {
      (instance as InstanceType<typeof Note>).rank = 77;
    });
    const note = await Note.query.create({ title: 'ranked by receiver' });
    expect((await Note.query.get({ pk: note.pk })).rank).toBe(77);
  });

  it('instance.update() fires preUpdate with the old values and postUpdate with the new ones', async () => {
    const note = await Note.query.create({ title: 'before', rank: 1 });
    const events: { signal: string; title: string; rank: number; stored: string; values: unknown }[] = [];
    const record = (signal: string) => async (_sender: ModelClass, instance: BaseModel, extra: Record<string, unknown>) => {
      const n = instance as InstanceType<typeof Note>;
      const stored = (await Note.query.get({ pk: n.pk })).title;
      events.push({ signal, title: n.title, rank: n.rank, stored, values: extra.values });
    };
    on('preUpdate', record('preUpdate'));
    on('postUpdate', record('postUpdate'));
    const saves: unknown[] = [];
    on('preSave', () => void saves.push('preSave'));

    await note.update({ title: 'after', rank: 2 });
    expect(events).toEqual([
      { signal: 'preUpdate', title: 'before', rank: 1, stored: 'before', values: { title: 'after', rank: 2 } },
      { signal: 'postUpdate', title: 'after', rank: 2, stored: 'after', values: { title: 'after', rank: 2 } },
    ]);
    expect(saves).toEqual([]);
  });

  it('delete() fires preDelete while the row exists and postDelete after it is gone', async () => {
    const note = await Note.query.create({ title: 'doomed' });
    const events: [string, unknown, number][] = [];
    on('preDelete', async (sender, instance) => {
      expect(sender).toBe(Note);
      events.push(['preDelete', instance.pk, await Note.query.filter({ pk: instance.pk }).count()]);
    });
    on('postDelete', async (_sender, instance) => {
      events.push(['postDelete', instance.pk, await Note.query.filter({ pk: instance.pk }).count()]);
    });
    expect(await note.delete()).toBe(1);
    expect(events).toEqual([
      ['preDelete', note.pk, 1],
      ['postDelete', note.pk, 0],
    ]);
  });

  it('queryset.delete() sends preDelete / postDelete once per instance when receivers exist', async () => {
    const made = await Note.query.bulkCreate([
      { title: 'qd', rank: 501 },
      { title: 'qd', rank: 502 },
      { title: 'qd', rank: 503 },
    ]);
    await Note.query.create({ title: 'kept', rank: 504 });
    const pre: unknown[] = [];
    const post: unknown[] = [];
    on('preDelete', (_s, instance) => void pre.push(instance.pk));
    on('postDelete', (_s, instance) => void post.push(instance.pk));
    expect(await Note.query.filter({ title: 'qd' }).delete()).toBe(3);
    const pks = made.map((n) => n.pk).sort();
    expect([...pre].sort()).toEqual(pks);
    expect([...post].sort()).toEqual(pks);
    expect(await Note.query.filter({ title: 'kept' }).count()).toBe(1);
  });

  it('queryset.delete() without receivers still deletes and counts', async () => {
    await Note.query.bulkCreate([{ title: 'quiet' }, { title: 'quiet' }]);
    expect(signals.preDelete.hasReceivers).toBe(false);
    expect(await Note.query.filter({ title: 'quiet' }).delete()).toBe(2);
    expect(await Note.query.filter({ title: 'quiet' }).count()).toBe(0);
  });

  it('disconnect() stops a receiver', async () => {
    let calls = 0;
    const receiver: Receiver = () => {
      calls++;
    };
    signals.preSave.connect(receiver);
    try {
      await Note.query.create({ title: 'counted' });
      expect(calls).toBe(1);
      expect(signals.preSave.disconnect(receiver)).toBe(true);
      await Note.query.create({ title: 'not counted' });
      expect(calls).toBe(1);
      expect(signals.preSave.disconnect(receiver)).toBe(false);
    } finally {
      signals.preSave.disconnect(receiver);
    }
  });

  it('connecting a non-function throws ConfigurationError', () => {
    for (const bad of ['receiver', 42, null, undefined, {}]) {
      expect(() => signals.preSave.connect(bad as never)).toThrow(ConfigurationError);
    }
    expect(signals.preSave.hasReceivers).toBe(false);
  });

  it('a throwing preSave receiver prevents the write', async () => {
    const existing = await Note.query.create({ title: 'untouched' });
    const before = await Note.query.count();
    on('preSave', () => {
      throw new Error('vetoed');
    });
    await expect(Note.query.create({ title: 'refused' })).rejects.toThrow('vetoed');
    await expect(new Note({ title: 'refused too' }).save()).rejects.toThrow('vetoed');
    existing.title = 'changed';
    await expect(existing.save()).rejects.toThrow('vetoed');
    expect(await Note.query.count()).toBe(before);
    expect(await Note.query.filter({ title__startswith: 'refused' }).count()).toBe(0);
    expect((await Note.query.get({ pk: existing.pk })).title).toBe('untouched');
  });

  it('a throwing preDelete receiver keeps the row', async () => {
    const note = await Note.query.create({ title: 'protected' });
    on('preDelete', () => {
      throw new Error('keep it');
    });
    await expect(note.delete()).rejects.toThrow('keep it');
    await expect(Note.query.filter({ pk: note.pk }).delete()).rejects.toThrow('keep it');
    expect(await Note.query.filter({ pk: note.pk }).count()).toBe(1);
  });

  it('receivers run in connection order and are awaited before the write resolves', async () => {
    const log: string[] = [];
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    on('preSave', async () => {
      log.push('pre1 start');
      await sleep(20);
      log.push('pre1 end');
    });
    on('preSave', async () => {
      log.push('pre2');
    });
    on('postSave', async () => {
      await sleep(20);
      log.push('post1');
    });
    on('postSave', () => void log.push('post2'));
    await Note.query.create({ title: 'ordered' });
    log.push('resolved');
    expect(log).toEqual(['pre1 start', 'pre1 end', 'pre2', 'post1', 'post2', 'resolved']);
  });
});

describeOnSqliteAndPostgres('queryset update() signals', (url) => {
  const registry = new Registry(url);
  const { Note } = declare(registry, uniqueName('qsu'));
  const { preUpdate, postUpdate } = Note.signals;
  const connected: [typeof preUpdate, Receiver][] = [];
  const on = (signal: typeof preUpdate, receiver: Receiver) => {
    signal.connect(receiver);
    connected.push([signal, receiver]);
  };

  beforeAll(async () => {
    await registry.createAll();
  });

  afterEach(() => {
    for (const [signal, receiver] of connected.splice(0)) signal.disconnect(receiver);
  });

  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
  });

  it('fires preUpdate before and postUpdate after the statement, once each, with (sender, null, { queryset, values })', async () => {
    await Note.query.bulkCreate([
      { title: 'bulk', rank: 1 },
      { title: 'bulk', rank: 2 },
      { title: 'other', rank: 3 },
    ]);
    const events: { signal: string; sender: unknown; instance: unknown; extra: Record<string, unknown>; ranks: number[] }[] = [];
    const record = (signal: string) => async (sender: ModelClass, instance: BaseModel | null, extra: Record<string, unknown>) => {
      const ranks = (await Note.query.filter({ title: 'bulk' }).orderBy('rank').valuesList('rank', { flat: true })) as number[];
      events.push({ signal, sender, instance, extra, ranks });
    };
    on(preUpdate, record('preUpdate'));
    on(postUpdate, record('postUpdate'));
    const qs = Note.query.filter({ title: 'bulk' });
    const values = { rank: 10 };
    expect(await qs.update(values)).toBe(2);
    expect(events.map((e) => [e.signal, e.sender, e.instance, e.ranks])).toEqual([
      ['preUpdate', Note, null, [1, 2]],
      ['postUpdate', Note, null, [10, 10]],
    ]);
    expect(events[0].extra).toEqual({ queryset: qs, values });
    expect(events[0].extra.queryset).toBe(qs);
    expect(events[1].extra).toEqual({ queryset: qs, values, count: 2 });
  });

  it('a throwing preUpdate receiver prevents the update', async () => {
    const note = await Note.query.create({ title: 'guarded', rank: 5 });
    const after: unknown[] = [];
    on(preUpdate, () => {
      throw new Error('frozen');
    });
    on(postUpdate, (_sender, _instance, extra) => void after.push(extra));
    await expect(Note.query.filter({ pk: note.pk }).update({ rank: 6 })).rejects.toThrow('frozen');
    expect((await Note.query.get({ pk: note.pk })).rank).toBe(5);
    expect(after).toEqual([]);
  });

  it('sends nothing for an update that names no field, nor when the values are refused', async () => {
    const calls: unknown[] = [];
    on(preUpdate, (_s, _i, extra) => void calls.push(extra));
    expect(await Note.query.all().update({})).toBe(0);
    // @ts-expect-error an unknown field is refused at compile time too (typed keys)
    await expect(Note.query.all().update({ nope: 1 })).rejects.toThrow('has no field "nope"');
    expect(calls).toEqual([]);
  });
});
