/** The system clock's sleep: as long as asked, even beyond what one timer can wait, and abortable. */
import { expect, test } from "bun:test";
import { systemClock } from "../../src/core";

test("a sleep longer than a timer can hold (2^31 ms) still waits, and ends when aborted", async () => {
  const stop = new AbortController();
  let ended: "resolved" | "rejected" | undefined;
  const sleeping = systemClock.sleep(2 ** 31 + 5000, stop.signal).then(
    () => (ended = "resolved"),
    () => (ended = "rejected"),
  );
  // One timer given 2^31 ms fires at once; after a few turns of the event loop it would be over.
  await Bun.sleep(50);
  expect(ended).toBeUndefined();
  stop.abort(new Error("stop"));
  await sleeping;
  expect(ended).toBe("rejected");
});

test("a short sleep resolves; an already aborted one rejects at once", async () => {
  await systemClock.sleep(1);
  const aborted = AbortSignal.abort(new Error("gone"));
  await expect(systemClock.sleep(10, aborted)).rejects.toThrow("gone");
});
