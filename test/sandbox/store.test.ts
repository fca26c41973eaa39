// The sandbox store: reads from memory, frozen records, all-or-nothing transactions, and the group
// commit that puts every write in SQLite before the response that reports it leaves.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxClock } from '../../sandbox/clock.ts';
import { JOB_KIND, JobScheduler } from '../../sandbox/jobs.ts';
import { SandboxStore } from '../../sandbox/store.ts';
import { tempDir } from '../support/fixtures.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { KIND } from '../../providers/starship/sandbox/model.ts';
import { clientFor, newKey } from './starship/support.ts';

const open: SandboxStore[] = [];
const store = (file = ':memory:') => {
  const s = new SandboxStore(file);
  open.push(s);
  return s;
};
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** What SQLite holds (read through a second connection, as a restarted sandbox would). */
const rowsOnDisk = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT kind, id, owner, data FROM records ORDER BY seq').all() as Array<{ kind: string; id: string; owner: string; data: string }>;
  } finally {
    db.close();
  }
};

describe('records', () => {
  it.each<{ name: string; given: (s: SandboxStore) => void; want: { all: string[]; own: string[] } }>([
    { name: 'insertion order', given: (s) => ['a', 'b', 'c'].forEach((id) => s.put('thing', id, { id }, { owner: 'o1' })), want: { all: ['a', 'b', 'c'], own: ['a', 'b', 'c'] } },
    {
      name: 'an update keeps its place',
      given: (s) => {
        ['a', 'b', 'c'].forEach((id) => s.put('thing', id, { id }, { owner: 'o1' }));
        s.put('thing', 'a', { id: 'a', v: 2 }, { owner: 'o1' });
      },
      want: { all: ['a', 'b', 'c'], own: ['a', 'b', 'c'] },
    },
    {
      name: 'a delete removes it from both lists',
      given: (s) => {
        ['a', 'b', 'c'].forEach((id) => s.put('thing', id, { id }, { owner: 'o1' }));
        s.delete('thing', 'b');
      },
      want: { all: ['a', 'c'], own: ['a', 'c'] },
    },
    {
      name: 'owners are listed apart',
      given: (s) => {
        s.put('thing', 'a', { id: 'a' }, { owner: 'o1' });
        s.put('thing', 'b', { id: 'b' }, { owner: 'o2' });
        s.put('other', 'c', { id: 'c' }, { owner: 'o1' });
      },
      want: { all: ['a', 'b'], own: ['a'] },
    },
  ])('$name', ({ given, want }) => {
    const s = store();
    given(s);
    expect(s.list<{ id: string }>('thing').map((r) => r.id)).toEqual(want.all);
    expect(s.list<{ id: string }>('thing', 'o1').map((r) => r.id)).toEqual(want.own);
    expect(s.count('thing')).toBe(want.all.length);
  });

  it('hands out frozen records: changing one in place throws instead of silently changing the store', () => {
    const s = store();
    s.put('order', 'o', { status: 'PENDING', vouchers: [] as string[] });
    const read = s.get<{ status: string; vouchers: string[] }>('order', 'o')!;
    expect(() => {
      read.status = 'DELIVERED';
    }).toThrow(TypeError);
    expect(() => read.vouchers.push('v')).toThrow(TypeError);
    s.put('order', 'o', { ...read, status: 'DELIVERED' });
    expect(s.get<{ status: string }>('order', 'o')!.status).toBe('DELIVERED');
  });

  it('returns a new array from every list, so a caller may sort or reverse it', () => {
    const s = store();
    ['a', 'b'].forEach((id) => s.put('thing', id, { id }));
    s.list('thing').reverse();
    expect(s.list<{ id: string }>('thing').map((r) => r.id)).toEqual(['a', 'b']);
  });
});

describe('transactions', () => {
  it('undoes every write of a transaction that throws, the jobs it scheduled included', async () => {
    const dir = tempDir('store-tx');
    const file = path.join(dir, 'db.sqlite');
    const s = store(file);
    const jobs = new JobScheduler(s, new SandboxClock());
    let ran = 0;
    jobs.register('refund', () => void ran++);
    s.put('wallet', 'w', { balance: 100 });
    s.put('order', 'keep', { id: 'keep' });
    expect(() =>
      s.transaction(() => {
        s.put('wallet', 'w', { balance: 40 });
        s.put('order', 'new', { id: 'new' });
        s.delete('order', 'keep');
        jobs.schedule('refund', { order: 'new' });
        throw new Error('insufficient stock');
      }),
    ).toThrow('insufficient stock');
    expect(s.get('wallet', 'w')).toEqual({ balance: 100 });
    expect(s.list<{ id: string }>('order').map((o) => o.id)).toEqual(['keep']);
    expect(jobs.pending()).toBe(0);
    expect(await jobs.runDue()).toBe(0);
    expect(ran).toBe(0);
    await s.committed();
    expect(rowsOnDisk(file).map((r) => `${r.kind}/${r.id}=${r.data}`)).toEqual(['wallet/w={"balance":100}', 'order/keep={"id":"keep"}']);
  });

  it('joins a nested transaction to the outer one', () => {
    const s = store();
    expect(() =>
      s.transaction(() => {
        s.transaction(() => s.put('thing', 'inner', {}));
        throw new Error('outer fails');
      }),
    ).toThrow('outer fails');
    expect(s.get('thing', 'inner')).toBeUndefined();
  });
});

describe('group commit', () => {
  it('writes a turn\'s changes to SQLite by the time committed() resolves, and a reopened store reads them back in order', async () => {
    const dir = tempDir('store-commit');
    const file = path.join(dir, 'db.sqlite');
    const s = store(file);
    s.put('thing', 'a', { n: 1 }, { owner: 'o' });
    s.put('thing', 'b', { n: 2 }, { owner: 'o' });
    s.put('thing', 'a', { n: 3 }, { owner: 'o' });
    s.putIdempotency('scope', 'key-1', { bodyHash: 'h', status: 201, headers: { 'X-A': '1' }, body: '{"ok":true}', createdAt: 5 });
    expect(rowsOnDisk(file)).toEqual([]);
    await s.committed();
    expect(rowsOnDisk(file).map((r) => `${r.id}=${r.data}`)).toEqual(['a={"n":3}', 'b={"n":2}']);
    await s.close();

    const reopened = store(file);
    expect(reopened.list('thing', 'o')).toEqual([{ n: 3 }, { n: 2 }]);
    expect(reopened.getIdempotency('scope', 'key-1')).toEqual({ bodyHash: 'h', status: 201, headers: { 'X-A': '1' }, body: '{"ok":true}', createdAt: 5 });
  });

  it('keeps scheduled jobs across a reopen, in due order', async () => {
    const file = path.join(tempDir('store-jobs'), 'db.sqlite');
    const clock = new SandboxClock();
    const s = store(file);
    const jobs = new JobScheduler(s, clock);
    jobs.schedule('step', { n: 'later' }, 2000);
    jobs.schedule('step', { n: 'sooner' }, 1000);
    jobs.schedule('step', { n: 'also-sooner' }, 1000);
    await s.close();

    const reopened = store(file);
    const again = new JobScheduler(reopened, clock);
    const seen: string[] = [];
    again.register('step', (p: { n: string }) => void seen.push(p.n));
    expect(again.pending()).toBe(3);
    clock.advance(5000);
    expect(await again.runDue()).toBe(3);
    expect(seen).toEqual(['sooner', 'also-sooner', 'later']);
    expect(again.pending()).toBe(0);
  });

  it('takes over the jobs an older data folder kept in its own table', async () => {
    const file = path.join(tempDir('store-legacy'), 'db.sqlite');
    const old = new Database(file);
    old.exec('CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, run_at INTEGER NOT NULL, name TEXT NOT NULL, payload TEXT NOT NULL)');
    old.prepare('INSERT INTO jobs (run_at, name, payload) VALUES (?, ?, ?)').run(0, 'step', JSON.stringify({ n: 1 }));
    old.close();

    const s = store(file);
    const jobs = new JobScheduler(s, new SandboxClock());
    const seen: unknown[] = [];
    jobs.register('step', (p) => void seen.push(p));
    expect(jobs.pending()).toBe(1);
    await s.committed();
    const db = new Database(file, { readonly: true });
    try {
      expect((db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n).toBe(0);
      expect((db.prepare('SELECT COUNT(*) AS n FROM records WHERE kind = ?').get(JOB_KIND) as { n: number }).n).toBe(1);
    } finally {
      db.close();
    }
    expect(await jobs.runDue()).toBe(1);
    expect(seen).toEqual([{ n: 1 }]);
  });

  it('answers a sandbox request only once its writes are in SQLite', async () => {
    const dir = tempDir('store-ack');
    const sb = await startTestSandbox('starship', { dataDir: dir, rateLimitsDisabled: true });
    try {
      const placed = await clientFor(sb).POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 }, headers: { 'Idempotency-Key': newKey() } });
      expect(placed.response.status).toBe(201);
      // Read at once, from another connection: no turn has passed since the answer arrived.
      const onDisk = rowsOnDisk(path.join(dir, 'starship.sqlite'));
      expect(onDisk.some((r) => r.kind === KIND.order && r.id === placed.data!.order_id)).toBe(true);
    } finally {
      await sb.close();
    }
  });
});

describe('idempotency entries', () => {
  const entry = (createdAt: number) => ({ bodyHash: 'h', status: 201, headers: {}, body: '{}', createdAt });

  it.each<{ name: string; given: Array<[string, number]>; before: number; want: { expired: number; kept: string[] } }>([
    { name: 'none expired', given: [['a', 10], ['b', 20]], before: 5, want: { expired: 0, kept: ['a', 'b'] } },
    { name: 'the older ones go', given: [['a', 10], ['b', 20], ['c', 30]], before: 25, want: { expired: 2, kept: ['c'] } },
    { name: 'a key stored again counts from its new time', given: [['a', 10], ['b', 20], ['a', 40]], before: 25, want: { expired: 1, kept: ['a'] } },
  ])('expires by age: $name', async ({ given, before, want }) => {
    const file = path.join(tempDir('store-idem'), 'db.sqlite');
    const s = store(file);
    for (const [key, at] of given) s.putIdempotency('scope', key, entry(at));
    expect(s.expireIdempotency(before)).toBe(want.expired);
    const keys = [...new Set(given.map(([k]) => k))];
    expect(keys.filter((k) => s.getIdempotency('scope', k))).toEqual(want.kept);
    await s.close();
    const reopened = store(file);
    expect(keys.filter((k) => reopened.getIdempotency('scope', k))).toEqual(want.kept);
  });
});
