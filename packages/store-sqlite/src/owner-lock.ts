import { hostname } from "node:os";
import Database from "better-sqlite3";

/**
 * Ownership of a database file by one process at a time.
 *
 * The lock is a second SQLite database, `<path>.lock`, in WAL mode, on which the
 * owner holds an open `BEGIN EXCLUSIVE` transaction for as long as it runs. In WAL
 * mode that is SQLite's write lock, a POSIX advisory (fcntl) lock on the
 * `-shm` file that the kernel drops when the process exits, however it exits
 * (SIGKILL and power loss included): the files stay behind, the lock does not.
 * SQLite also tracks these locks between connections of one process, so a second
 * open in the same process is refused too.
 *
 * WAL mode lets a refused opener still *read* the lock database while the owner
 * holds the write lock, so the owner records its pid there (committed before it
 * takes the lock for good) and the refusal can name it.
 *
 * This module has no dependency on the engine so a bare child process can take
 * the lock in the tests.
 */
export interface OwnerLock {
  readonly lockPath: string;
  /** Releases the lock. Idempotent. */
  release(): void;
}

export type OwnerLockAttempt =
  { acquired: true; lock: OwnerLock } | { acquired: false; lockPath: string; ownerPid: number | undefined; cause: unknown };

export function lockPathFor(databasePath: string): string {
  return `${databasePath}.lock`;
}

export function tryAcquireOwnerLock(databasePath: string): OwnerLockAttempt {
  const lockPath = lockPathFor(databasePath);
  const db = new Database(lockPath, { timeout: 0 });
  const refuse = (cause: unknown): OwnerLockAttempt => {
    const ownerPid = readOwnerPid(db);
    db.close();
    return { acquired: false, lockPath, ownerPid, cause };
  };
  try {
    db.pragma("journal_mode = WAL");
    db.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    if (isBusy(error)) return refuse(error);
    db.close();
    throw error;
  }
  try {
    db.exec(
      "CREATE TABLE IF NOT EXISTS owner (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL)",
    );
    db.prepare("INSERT OR REPLACE INTO owner (id, pid, host, since) VALUES (1, ?, ?, ?)").run(
      process.pid,
      hostname(),
      new Date().toISOString(),
    );
    db.exec("COMMIT");
  } catch (error) {
    db.close();
    throw error;
  }
  // Another opener may slip in between COMMIT and this BEGIN; then it is the owner
  // and we are refused, which is the same outcome as losing the first race.
  try {
    db.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    if (isBusy(error)) return refuse(error);
    db.close();
    throw error;
  }
  let released = false;
  return {
    acquired: true,
    lock: {
      lockPath,
      release() {
        if (released) return;
        released = true;
        try {
          db.exec("ROLLBACK");
        } finally {
          db.close();
        }
      },
    },
  };
}

function readOwnerPid(db: Database.Database): number | undefined {
  try {
    const row = db.prepare("SELECT pid FROM owner WHERE id = 1").get() as { pid: number } | undefined;
    return row?.pid;
  } catch {
    return undefined;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}
