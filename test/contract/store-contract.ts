/**
 * The Store contract: behaviour every backend must show, as one suite over a factory of fresh
 * databases. SQLite runs it in store.test.ts; PostgreSQL (SPEC 11) will run the same function
 * against a server the tests start on loopback. What only one backend does (SQLite's WAL,
 * schema version, files and permissions) is tested beside that backend, not here.
 */
import { describe } from "bun:test";
import { applyContract } from "./store/apply";
import { atomicityContract } from "./store/atomicity";
import { documentsContract } from "./store/documents";
import { feedbackContract } from "./store/feedback";
import { handlesContract } from "./store/handles";
import type { MakeStoreFixture } from "./store/fixtures";
import { ingestContract } from "./store/ingest";
import { leasesContract } from "./store/leases";
import { readsContract } from "./store/reads";
import { violationsContract } from "./store/violations";

export type { MakeStoreFixture, StoreFixture } from "./store/fixtures";

export function storeContract(name: string, makeStore: MakeStoreFixture): void {
  describe(`Store contract: ${name}`, () => {
    ingestContract(makeStore);
    applyContract(makeStore);
    atomicityContract(makeStore);
    documentsContract(makeStore);
    readsContract(makeStore);
    violationsContract(makeStore);
    feedbackContract(makeStore);
    leasesContract(makeStore);
    handlesContract(makeStore);
  });
}
