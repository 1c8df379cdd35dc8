/**
 * The Store contract on the in-memory store the harness's unit tests run on (test/fakes): a
 * second implementation passing the suite unchanged shows the contract is about behaviour, not
 * about SQLite, and keeps the fake honest.
 */
import type { Store } from "../../src/store";
import { MemoryDatabase } from "../fakes/memory-store";
import { storeContract, type StoreFixture } from "./store-contract";

storeContract("memory", (): StoreFixture => {
  const db = new MemoryDatabase();
  const opened: Store[] = [];
  return {
    open: () => {
      const store = db.connect();
      opened.push(store);
      return store;
    },
    dispose: async () => {
      for (const store of opened) await store.close();
    },
  };
});
