/**
 * The sandbox's embedded state: one SQLite database per provider (better-sqlite3), in the data
 * folder so it survives a restart, or in memory for throw-away runs. Records are JSON documents in
 * collections; idempotency entries, scheduled jobs and webhook deliveries have their own tables.
 * Every mutation of a request runs in one transaction, so a crash never leaves half a change.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface StoredRecord<T = any> {
  id: string;
  data: T;
  createdAt: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS records (
  kind TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL DEFAULT '', data TEXT NOT NULL,
  created_at INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (kind, id));
CREATE INDEX IF NOT EXISTS records_owner ON records (kind, owner, seq);
CREATE TABLE IF NOT EXISTS idempotency (
  scope TEXT NOT NULL, key TEXT NOT NULL, body_hash TEXT NOT NULL, status INTEGER NOT NULL,
  headers TEXT NOT NULL, body TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (scope, key));
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_at INTEGER NOT NULL, name TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (run_at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export class SandboxStore {
  readonly db: Database.Database;
  private seq = 0;
  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, compiled once per SQL text. */
  private sql(text: string): Database.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) this.statements.set(text, (stmt = this.db.prepare(text)));
    return stmt;
  }

  /** `file`: a path under the data folder, or `:memory:`. */
  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.seq = (this.db.prepare('SELECT MAX(seq) AS s FROM records').get() as { s: number | null }).s ?? 0;
  }

  /** Runs fn in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  put<T>(kind: string, id: string, data: T, options: { owner?: string; createdAt?: number } = {}): void {
    // One statement: an update keeps the row's created_at and seq (its place in list order).
    this.sql(
      'INSERT INTO records (kind, id, owner, data, created_at, seq) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET owner = excluded.owner, data = excluded.data',
    ).run(kind, id, options.owner ?? '', JSON.stringify(data), options.createdAt ?? Date.now(), ++this.seq);
  }

  get<T>(kind: string, id: string): T | undefined {
    const row = this.sql('SELECT data FROM records WHERE kind = ? AND id = ?').get(kind, id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  /** Records of a kind in insertion order, optionally only one owner's. */
  list<T>(kind: string, owner?: string): T[] {
    const rows = (
      owner === undefined
        ? this.sql('SELECT data FROM records WHERE kind = ? ORDER BY seq').all(kind)
        : this.sql('SELECT data FROM records WHERE kind = ? AND owner = ? ORDER BY seq').all(kind, owner)
    ) as Array<{ data: string }>;
    return rows.map((r) => JSON.parse(r.data) as T);
  }

  delete(kind: string, id: string): boolean {
    return this.sql('DELETE FROM records WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
  }

  count(kind: string): number {
    return (this.sql('SELECT COUNT(*) AS n FROM records WHERE kind = ?').get(kind) as { n: number }).n;
  }

  getMeta(key: string): string | undefined {
    return (this.sql('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.sql('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
