/**
 * The sandbox's embedded state: records (JSON documents in collections, by kind and id, listed in
 * insertion order, optionally one owner's) and idempotency entries, in one SQLite database per
 * provider (better-sqlite3) in the data folder, so it survives a restart. Scheduled jobs are
 * records too (sandbox/jobs.ts).
 *
 * Everything is served from memory; SQLite holds the durable copy. A write changes memory at once
 * and joins a group commit: at the end of the event-loop turn, everything written during it is
 * committed in a single transaction. The sandbox sends its responses only after that commit
 * (`committed()`), so whatever a client was told is on disk, and the turn's answers leave
 * together. With `:memory:` (throw-away state) there is no database at all.
 *
 * (A writer thread owning the connection was tried: on the 2-core machines the benchmarks run on,
 * it only moved the same SQLite work to the core the load generator needs, for no gain.)
 *
 * `transaction(fn)` is all or nothing: if fn throws, every record it wrote is restored. Stored
 * records are deep-frozen (the one copy is shared by every reader): to change one, put a changed
 * copy, e.g. `store.put(kind, id, { ...record, status })`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { requireOptional } from '../packaging/optional.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS records (
  kind TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL DEFAULT '', data TEXT NOT NULL,
  created_at INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (kind, id));
-- Lists are served from memory: an owner index would only slow every write (older data folders had one).
DROP INDEX IF EXISTS records_owner;
CREATE TABLE IF NOT EXISTS idempotency (
  scope TEXT NOT NULL, key TEXT NOT NULL, body_hash TEXT NOT NULL, status INTEGER NOT NULL,
  headers TEXT NOT NULL, body TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (scope, key));
-- Jobs are records now; this table only lets an older data folder hand its pending jobs over.
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_at INTEGER NOT NULL, name TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** One record in memory. */
interface Entry {
  kind: string;
  id: string;
  owner: string;
  data: unknown;
  createdAt: number;
}

/** A stored response for an idempotency key (sandbox/idempotency.ts). */
export interface IdempotencyEntry {
  bodyHash: string;
  status: number;
  headers: Record<string, string>;
  body: string | undefined;
  /** Business ms when it was stored. */
  createdAt: number;
}

/** Makes a record immutable, all the way down (it is shared by every reader). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const k in value) deepFreeze((value as Record<string, unknown>)[k]);
  }
  return value;
}

const dirtyKey = (kind: string, id: string) => `${kind}\0${id}`;

/** A job an older data folder kept in its own table (sandbox/jobs.ts takes them over). */
export interface LegacyJob {
  runAt: number;
  name: string;
  payload: unknown;
}

export class SandboxStore {
  /** Whether the state is written to SQLite (a data folder, not `:memory:`). */
  readonly persistent: boolean;
  private readonly kinds = new Map<string, Map<string, Entry>>();
  /** kind → owner → id → entry, in insertion order. */
  private readonly owners = new Map<string, Map<string, Map<string, Entry>>>();
  /** In the order they were stored (expireIdempotency relies on it). */
  private readonly idempotency = new Map<string, IdempotencyEntry>();
  private readonly meta = new Map<string, string>();
  private legacyJobs: LegacyJob[] = [];

  /** Written since the last batch: kind\0id → the entry now (null: deleted). */
  private readonly dirty = new Map<string, { kind: string; id: string; entry: Entry | null }>();
  private readonly dirtyIdempotency = new Map<string, { scope: string; key: string; entry: IdempotencyEntry }>();
  private readonly dirtyMeta = new Map<string, string>();
  /** The latest expiry bound since the last commit (it covers every earlier one). */
  private expireBefore: number | null = null;
  private dropLegacyJobs = false;
  /** Meta values written with every commit that has other writes (the running clock). */
  private readonly withEveryCommit = new Map<string, () => string | undefined>();
  /** The commit at the end of this turn, once one is due; shared by every writer and waiter. */
  private turnCommitted: Promise<void> | null = null;
  /** The open transaction's undo log (restores memory if it throws). */
  private undo: Array<{ kind: string; id: string; before: Entry | undefined }> | null = null;

  private readonly db: Database.Database | null = null;
  private readonly commitBatch: (() => void) | null = null;
  private seq = 0;

  /** `file`: a path under the data folder, or `:memory:`. */
  constructor(file: string) {
    this.persistent = file !== ':memory:';
    if (!this.persistent) return;
    const Sqlite = requireOptional<typeof Database>(import.meta.url, 'better-sqlite3', 'run with --memory');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = (this.db = new Sqlite(file));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Checkpoint (and fsync) every ~40 MB of WAL instead of every ~4 MB: fewer, larger syncs.
    db.pragma('wal_autocheckpoint = 10000');
    db.exec(SCHEMA);
    this.load(db);
    this.seq = (db.prepare('SELECT MAX(seq) AS s FROM records').get() as { s: number | null }).s ?? 0;
    // An update keeps the row's created_at and seq (its place in list order), as memory does.
    const upsertRecord = db.prepare(
      'INSERT INTO records (kind, id, owner, data, created_at, seq) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET owner = excluded.owner, data = excluded.data',
    );
    const deleteRecord = db.prepare('DELETE FROM records WHERE kind = ? AND id = ?');
    const upsertIdempotency = db.prepare('INSERT OR REPLACE INTO idempotency (scope, key, body_hash, status, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const deleteIdempotencyBefore = db.prepare('DELETE FROM idempotency WHERE created_at < ?');
    const upsertMeta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    const deleteLegacyJobs = db.prepare('DELETE FROM jobs');
    this.commitBatch = db.transaction(() => {
      for (const { kind, id, entry } of this.dirty.values()) {
        if (entry) upsertRecord.run(kind, id, entry.owner, JSON.stringify(entry.data), entry.createdAt, ++this.seq);
        else deleteRecord.run(kind, id);
      }
      for (const { scope, key, entry } of this.dirtyIdempotency.values()) {
        upsertIdempotency.run(scope, key, entry.bodyHash, entry.status, JSON.stringify(entry.headers), entry.body ?? null, entry.createdAt);
      }
      if (this.expireBefore !== null) deleteIdempotencyBefore.run(this.expireBefore);
      for (const [key, value] of this.dirtyMeta) upsertMeta.run(key, value);
      if (this.dropLegacyJobs) deleteLegacyJobs.run();
    });
  }

  private load(db: Database.Database): void {
    const rows = db.prepare('SELECT kind, id, owner, data, created_at FROM records ORDER BY seq').all() as Array<{ kind: string; id: string; owner: string; data: string; created_at: number }>;
    for (const r of rows) this.index({ kind: r.kind, id: r.id, owner: r.owner, data: deepFreeze(JSON.parse(r.data)), createdAt: r.created_at });
    const keys = db.prepare('SELECT scope, key, body_hash, status, headers, body, created_at FROM idempotency ORDER BY created_at').all() as Array<{ scope: string; key: string; body_hash: string; status: number; headers: string; body: string | null; created_at: number }>;
    for (const k of keys) {
      this.idempotency.set(dirtyKey(k.scope, k.key), { bodyHash: k.body_hash, status: k.status, headers: JSON.parse(k.headers), body: k.body ?? undefined, createdAt: k.created_at });
    }
    for (const m of db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>) this.meta.set(m.key, m.value);
    const jobs = db.prepare('SELECT run_at, name, payload FROM jobs ORDER BY run_at, id').all() as Array<{ run_at: number; name: string; payload: string }>;
    this.legacyJobs = jobs.map((j) => ({ runAt: j.run_at, name: j.name, payload: JSON.parse(j.payload) }));
  }

  /** Runs fn in one transaction: if it throws, its writes are undone (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    if (this.undo) return fn();
    this.undo = [];
    try {
      const result = fn();
      this.undo = null;
      return result;
    } catch (err) {
      const undo = this.undo!;
      this.undo = null;
      for (let i = undo.length - 1; i >= 0; i--) {
        const { kind, id, before } = undo[i]!;
        if (before) this.index(before);
        else this.unindex(kind, id);
        this.markDirty(kind, id, before ?? null);
      }
      throw err;
    }
  }

  /** Stores `data` (deep-frozen: put a changed copy to change it later) under kind and id. */
  put<T>(kind: string, id: string, data: T, options: { owner?: string } = {}): void {
    const before = this.kinds.get(kind)?.get(id);
    this.undo?.push({ kind, id, before });
    const entry: Entry = { kind, id, owner: options.owner ?? '', data: deepFreeze(data), createdAt: before?.createdAt ?? Date.now() };
    if (before && before.owner !== entry.owner) this.unindex(kind, id);
    this.index(entry);
    this.markDirty(kind, id, entry);
  }

  get<T>(kind: string, id: string): T | undefined {
    return this.kinds.get(kind)?.get(id)?.data as T | undefined;
  }

  /** Records of a kind in insertion order, optionally only one owner's (a new array each call). */
  list<T>(kind: string, owner?: string): T[] {
    const entries = owner === undefined ? this.kinds.get(kind) : this.owners.get(kind)?.get(owner);
    if (!entries) return [];
    const out = new Array<T>(entries.size);
    let i = 0;
    for (const e of entries.values()) out[i++] = e.data as T;
    return out;
  }

  delete(kind: string, id: string): boolean {
    const before = this.kinds.get(kind)?.get(id);
    if (!before) return false;
    this.undo?.push({ kind, id, before });
    this.unindex(kind, id);
    this.markDirty(kind, id, null);
    return true;
  }

  count(kind: string): number {
    return this.kinds.get(kind)?.size ?? 0;
  }

  getIdempotency(scope: string, key: string): IdempotencyEntry | undefined {
    return this.idempotency.get(dirtyKey(scope, key));
  }

  putIdempotency(scope: string, key: string, entry: IdempotencyEntry): void {
    const k = dirtyKey(scope, key);
    // Re-inserted, so the map stays in the order entries were stored.
    this.idempotency.delete(k);
    this.idempotency.set(k, entry);
    if (!this.persistent) return;
    this.dirtyIdempotency.set(k, { scope, key, entry });
    this.scheduleCommit();
  }

  /**
   * Forgets idempotency entries stored before `before` (business ms): their window is over, and a
   * long-running sandbox should not keep every response it ever gave. Returns how many went.
   */
  expireIdempotency(before: number): number {
    let expired = 0;
    for (const [k, entry] of this.idempotency) {
      // Stored in time order: the first one still inside the window ends the sweep.
      if (entry.createdAt >= before) break;
      this.idempotency.delete(k);
      this.dirtyIdempotency.delete(k);
      expired++;
    }
    if (expired && this.persistent) {
      this.expireBefore = Math.max(this.expireBefore ?? before, before);
      this.scheduleCommit();
    }
    return expired;
  }

  /** Jobs an older data folder kept in its own table, once (they are deleted with the next commit). */
  takeLegacyJobs(): LegacyJob[] {
    const jobs = this.legacyJobs;
    this.legacyJobs = [];
    if (jobs.length && this.persistent) {
      this.dropLegacyJobs = true;
      this.scheduleCommit();
    }
    return jobs;
  }

  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
    if (!this.persistent) return;
    this.dirtyMeta.set(key, value);
    this.scheduleCommit();
  }

  /**
   * Writes meta `key` with every commit that has other writes, when `valueOf` gives a value: state
   * that changes without writes of its own (a sped-up clock) is then as durable as what used it.
   */
  commitAlso(key: string, valueOf: () => string | undefined): void {
    this.withEveryCommit.set(key, valueOf);
  }

  /**
   * Resolves once everything written so far is committed: at the end of the current event-loop
   * turn, after that turn's group commit (in memory: at the end of the turn). Responses wait for it.
   */
  committed(): Promise<void> {
    // Transactions are synchronous, so none is open when this runs.
    this.turnCommitted ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.turnCommitted = null;
        this.flush();
        resolve();
      }),
    );
    return this.turnCommitted;
  }

  /** Commits what was written since the last commit (never mid-transaction: it may still be undone). */
  private flush(): void {
    if (!this.db?.open || !this.commitBatch || this.undo) return;
    if (!this.dirty.size && !this.dirtyIdempotency.size && !this.dirtyMeta.size && this.expireBefore === null && !this.dropLegacyJobs) return;
    for (const [key, valueOf] of this.withEveryCommit) {
      const value = valueOf();
      if (value !== undefined) {
        this.meta.set(key, value);
        this.dirtyMeta.set(key, value);
      }
    }
    this.commitBatch();
    this.dirty.clear();
    this.dirtyIdempotency.clear();
    this.dirtyMeta.clear();
    this.expireBefore = null;
    this.dropLegacyJobs = false;
  }

  /** Commits what is pending and closes the database. */
  async close(): Promise<void> {
    if (!this.db?.open) return;
    this.flush();
    this.db.close();
  }

  /** Writers join the same end-of-turn commit the responses wait for. */
  private scheduleCommit(): void {
    void this.committed();
  }

  private markDirty(kind: string, id: string, entry: Entry | null): void {
    if (!this.persistent) return;
    this.dirty.set(dirtyKey(kind, id), { kind, id, entry });
    this.scheduleCommit();
  }

  private index(entry: Entry): void {
    let byId = this.kinds.get(entry.kind);
    if (!byId) this.kinds.set(entry.kind, (byId = new Map()));
    byId.set(entry.id, entry);
    let byOwner = this.owners.get(entry.kind);
    if (!byOwner) this.owners.set(entry.kind, (byOwner = new Map()));
    let own = byOwner.get(entry.owner);
    if (!own) byOwner.set(entry.owner, (own = new Map()));
    own.set(entry.id, entry);
  }

  private unindex(kind: string, id: string): void {
    const entry = this.kinds.get(kind)?.get(id);
    if (!entry) return;
    this.kinds.get(kind)!.delete(id);
    this.owners.get(kind)?.get(entry.owner)?.delete(id);
  }
}
