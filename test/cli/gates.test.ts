/**
 * Gates users can satisfy (SPEC 4.3, issue 13): in a live run an approved task runs whatever its
 * p, a risk derived from p passes for that p, and an explicit risk lower than p's band, or HIGH
 * without approval, is rejected with a reason that says what would let it run.
 */
import { expect, test } from "bun:test";
import { buddy, fixture, ofType } from "./helpers";

test("--live: approval and derived risks run; a claimed LOW below its floor and unapproved HIGH are rejected", async () => {
  const ran = await buddy(["run", fixture("gates/live-gates.jsonl"), "--live", "--quiet"]);
  const status = Object.fromEntries(ofType(ran.records, "task").map((t) => [t.task_id, t.status]));
  expect(status).toEqual({
    "approved-high": "succeeded",
    "approved-unlikely": "succeeded",
    "derived-medium": "succeeded",
    "derived-low": "succeeded",
    "derived-high": "rejected",
    "claims-low": "rejected",
    "high-unapproved": "rejected",
  });
  expect(ran.code).toBe(1);
  const messages = Object.fromEntries(ofType(ran.records, "task").filter((t) => t.error).map((t) => [t.task_id, t.error.message]));
  expect(messages["claims-low"]).toContain("LOW risk needs p ≥ 0.85");
  expect(messages["high-unapproved"]).toContain("approved: true");
  expect(messages["derived-high"]).toContain("approved: true");
});
