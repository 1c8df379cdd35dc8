/**
 * Dry-run time through the compiled binary (SPEC 6): waits a mock causes pass in virtual time —
 * each attempt records the wait its retry policy chose, and the default run does not sleep it —
 * and `--mock-latency-ms` gives the mocks a real latency.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, ofType, tempDir } from "./helpers";

/** Each task creates a contact (3 % 429) and mails it (2 % 408, 1 % 429). */
const CODE = `
  const created = await providers.ghl.createContact({ first_name: "P", last_name: String(input.n), email: input.email });
  await providers.msgraph.sendEmail({ to: [input.email], subject: "hello", body: "welcome" });
  return created.contact_id;`;

function providerTasks(n: number): string {
  const dir = tempDir();
  const file = join(dir, "tasks.jsonl");
  const line = (i: number) =>
    JSON.stringify({ task_id: `t${i}`, wave: 1, priority: 1, predicted_success_probability: 0.9, predicted_execution_time: 1, code: CODE, uses: ["ghl", "msgraph"], input: { n: i, email: `p${i}@example.com` } });
  writeFileSync(file, Array.from({ length: n }, (_, i) => line(i)).join("\n") + "\n");
  return file;
}

async function runAndShow(file: string, args: string[]) {
  const dir = tempDir();
  const db = join(dir, "buddy.db");
  const ran = await buddy(["run", file, "--db", db, "--quiet", ...args], { cwd: dir });
  const shown = await buddy(["show", "latest", "--attempts", "--db", db], { cwd: dir });
  return { ran, attempts: ofType(shown.records, "attempt") };
}

// Seed 6 draws both kinds of injected error among these 100 tasks: 429s and 408s.
describe("a dry run of 100 provider tasks, default flags, --seed 6", async () => {
  const { ran, attempts } = await runAndShow(providerTasks(100), ["--seed", "6"]);
  /** The attempt after `a`, if there was one. */
  const nextOf = (a: any) => attempts.find((b: any) => b.task_id === a.task_id && b.attempt === a.attempt + 1);
  const retried = attempts.filter((a: any) => nextOf(a) !== undefined);

  test("completes: every task succeeds, some after retries of the mocks' 429s and 408s", () => {
    expect(ran.code).toBe(0);
    expect(ofType(ran.records, "task").filter((t) => t.status === "succeeded")).toHaveLength(100);
    expect(new Set(retried.map((a: any) => a.error.status))).toEqual(new Set([408, 429]));
    expect(ofType(ran.records, "summary")[0].totals).toMatchObject({ tasks: 100, attempts: attempts.length, retries: retried.length });
  });

  test("each retried attempt records the wait the policy chose: a 429's retry_after (60 s) capped by --max-delay-ms, a 408's backoff ± jitter", () => {
    for (const a of retried) {
      expect(a.error).toMatchObject({ code: "PROVIDER_ERROR", retryable: true });
      const backoff = 1000 * 2 ** (a.attempt - 1);
      if (a.error.status === 429) expect([a.task_id, a.retry_delay_ms]).toEqual([a.task_id, 30_000]);
      else {
        expect(a.retry_delay_ms).toBeGreaterThanOrEqual(Math.round(backoff * 0.8));
        expect(a.retry_delay_ms).toBeLessThanOrEqual(Math.round(backoff * 1.2));
      }
    }
  });

  test("an attempt that no other follows records no wait", () => {
    const last = attempts.filter((a: any) => !retried.includes(a));
    expect(last).toHaveLength(100);
    for (const a of last) expect([a.task_id, a.status, a.retry_delay_ms]).toEqual([a.task_id, "succeeded", null]);
  });

  test("a 429's 30 s are not slept: the next attempt starts before they would have passed", () => {
    for (const a of retried.filter((r: any) => r.error.status === 429)) {
      expect(Date.parse(nextOf(a).started_at) - Date.parse(a.ended_at)).toBeLessThan(a.retry_delay_ms);
    }
  });
});

describe("--mock-latency-ms", () => {
  test("every mock call takes at least N ms, so an attempt of two calls lasts at least 2 N", async () => {
    const { ran, attempts } = await runAndShow(providerTasks(4), ["--seed", "6", "--mock-error-rate", "0", "--mock-latency-ms", "150"]);
    expect(ran.code).toBe(0);
    expect(attempts).toHaveLength(4);
    for (const a of attempts) expect(a.duration_ms).toBeGreaterThanOrEqual(300);
  });

  test("a value that is not a whole number of ms from 0 to 60000 exits 2, naming the flag", async () => {
    const file = providerTasks(1);
    for (const bad of ["-1", "1.5", "60001", "soon"]) {
      const ran = await buddy(["run", file, "--mock-latency-ms", bad]);
      expect([bad, ran.code]).toEqual([bad, 2]);
      expect(ran.stderr).toContain("--mock-latency-ms");
      expect(ran.records).toEqual([]);
    }
  });

  test("--help says it has no effect on a live run", async () => {
    const help = (await buddy(["run", "--help"])).stdout.replace(/\s+/g, " ");
    expect(help).toMatch(/--mock-latency-ms [^-]*answered after this many ms \(no effect on a live run\)/);
  });
});
