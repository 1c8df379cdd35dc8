/**
 * Statements of several processes on one backend lock rows in their own orders (a harvest, a
 * paused worker's heartbeat and hand-in on the same jobs): when the server breaks a deadlock by
 * rolling one back, that one runs again, and nobody exits 4 for it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PostgresConnection } from "../../src/store/postgres/connection";
import { NO_SERVER_MESSAGE, serverBinaries, startCluster, type Cluster } from "../pg/cluster";

if (serverBinaries() === undefined) {
  describe("PostgreSQL conflicts", () => test.skip(NO_SERVER_MESSAGE, () => {}));
} else {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = (await startCluster())!;
  });
  afterAll(() => cluster?.destroy());

  test("two transactions locking two rows in opposite orders both commit: the deadlock's victim runs again, and it is no outage", async () => {
    const url = await cluster.freshDatabase("conflicts");
    const db = new PostgresConnection(url, { max: 4 });
    try {
      await db.sql`CREATE TABLE rows (k int PRIMARY KEY, v int NOT NULL)`;
      await db.sql`INSERT INTO rows VALUES (1, 0), (2, 0)`;
      const tries = [0, 0];
      const crossing = (who: 0 | 1, first: number, second: number) =>
        db.attempt("crossing", (sql) =>
          sql.begin(async (tx) => {
            tries[who]!++;
            await tx`UPDATE rows SET v = v + 1 WHERE k = ${first}`;
            await Bun.sleep(300);
            await tx`UPDATE rows SET v = v + 1 WHERE k = ${second}`;
          }),
        );
      await Promise.all([crossing(0, 1, 2), crossing(1, 2, 1)]);
      // One of them was the victim: run twice, committed once.
      expect(tries.toSorted()).toEqual([1, 2]);
      expect(await db.sql`SELECT k, v FROM rows ORDER BY k`).toEqual([{ k: 1, v: 2 }, { k: 2, v: 2 }]);
      expect(db.losses).toBe(0);
    } finally {
      await db.close();
    }
  }, 30_000);
}
