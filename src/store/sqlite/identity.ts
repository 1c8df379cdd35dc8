/**
 * Is the store at this path still the one this process opened? A connection keeps writing to
 * the files it opened even after they were deleted or another database was moved to the path;
 * those commits are lost to every other process, so results that rest on them must not be
 * reported (SPEC 9.1). Checked once per commit batch: the device and inode of the database
 * file and of its -wal and -shm companions (three stats), and the store id that the database
 * itself holds (one indexed read), which also catches a file overwritten in place.
 */
import type { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { BuddyError } from "../../core";

interface FileId {
  dev: number;
  ino: number;
}

const COMPANIONS = [
  { suffix: "", name: "the database file" },
  { suffix: "-wal", name: "its write-ahead log (-wal)" },
  { suffix: "-shm", name: "its shared-memory index (-shm)" },
] as const;

function fileId(path: string): FileId | null {
  const s = statSync(path, { throwIfNoEntry: false });
  return s === undefined ? null : { dev: s.dev, ino: s.ino };
}

export class StoreIdentity {
  readonly #path: string;
  readonly #files: (FileId | null)[];
  readonly #storeId: string;
  readonly #readId: () => string | undefined;

  /** @param onDisk false for an in-memory store, which has no files to watch. */
  constructor(db: Database, path: string, onDisk: boolean) {
    this.#path = path;
    const read = db.prepare<{ store_id: string }, []>("SELECT store_id FROM store_identity WHERE one = 1");
    this.#readId = () => read.get()?.store_id;
    this.#storeId = this.#readId() ?? "";
    this.#files = onDisk ? COMPANIONS.map((c) => fileId(path + c.suffix)) : [];
    // The database file was just opened: gone already, it was deleted under the open, and every
    // commit would go to a file nobody else can see (only the companions may appear later).
    if (onDisk && this.#files[0] === null) this.#fail("the database file was deleted");
  }

  /** Inside the commit's transaction: the database answering is still this store. */
  checkContent(): void {
    const id = this.#readId();
    if (id !== this.#storeId) this.#fail(`another database is now at its path (store id ${id ?? "missing"}, opened ${this.#storeId})`);
  }

  /** After a commit: the path still names the files the commit went to. */
  checkFiles(): void {
    this.#files.forEach((opened, i) => {
      const c = COMPANIONS[i]!;
      const now = fileId(this.#path + c.suffix);
      // A companion missing at open (never seen in WAL mode) is taken as it first appears.
      if (opened === null) {
        this.#files[i] = now;
        return;
      }
      if (now === null) this.#fail(`${c.name} was deleted`);
      if (now.dev !== opened.dev || now.ino !== opened.ino) this.#fail(`${c.name} was replaced by another file`);
    });
  }

  #fail(what: string): never {
    throw new BuddyError(
      "STORE",
      `store ${this.#path} was removed or replaced while this process was using it: ${what}; stopping, as results from here on could not be kept`,
    );
  }
}
