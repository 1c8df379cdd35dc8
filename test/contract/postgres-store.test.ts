/**
 * The Store contract on PostgreSQL (SPEC 11): the same suite as SQLite's, against a throw-away
 * cluster this file starts on loopback (test/pg/cluster.ts); each test gets its own database.
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import { openStore, type Store } from "../../src/store";
import { NO_SERVER_MESSAGE, serverBinaries, startCluster, type Cluster } from "../pg/cluster";
import { storeContract } from "./store-contract";

if (serverBinaries() === undefined) {
  describe("Store contract: postgres", () => test.skip(NO_SERVER_MESSAGE, () => {}));
} else {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(() => cluster?.destroy());

  storeContract("postgres", async (name) => {
    const url = await cluster!.freshDatabase(name);
    const opened: Store[] = [];
    return {
      open: async () => {
        const store = await openStore(url);
        opened.push(store);
        return store;
      },
      dispose: async () => {
        for (const store of opened.reverse()) await store.close();
      },
    };
  });
}
