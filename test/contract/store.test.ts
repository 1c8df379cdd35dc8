/** The Store contract on SQLite: each test gets its own database file in a fresh temp folder. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../../src/store";
import { storeContract } from "./store-contract";

storeContract("sqlite", async (name) => {
  const dir = await mkdtemp(join(tmpdir(), `buddy-store-${name}-`));
  const opened: Store[] = [];
  return {
    open: async () => {
      const store = await openStore(join(dir, "buddy.db"));
      opened.push(store);
      return store;
    },
    dispose: async () => {
      for (const store of opened.reverse()) await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
