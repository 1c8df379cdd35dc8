/**
 * The hostile suite (issue 3) through the compiled binary, as one `buddy run`: every case of
 * cases.ts must end in its class, within its time bound, with a bounded process tree, leaving
 * nothing behind for the next wave; the violation log must hold exactly the violations each case
 * makes; `buddy sandbox eval` must reproduce single cases.
 *
 * The time bound is the product's guarantee (SPEC 5), not a benchmark: every case ends within
 * its timeout + 250 ms, whether the sandbox stops it by itself or only the executor kill can.
 */
import { Value } from "@sinclair/typebox/value";
import { beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ViolationRecordSchema } from "../../src/records";
import { BUDDY, buddy, ofType, tempDir } from "../cli/helpers";
import { CASES, expectedViolations, LEFTOVERS_CHECK, memoryOf, timeoutOf, type HostileCase, type OutcomeClass } from "./cases";
import { LEFTOVER_CHECKS, leftoverTaskId, writeSuite } from "./generate";

const SEED = 7;
const RUN_ID = "hostile-suite";
/**
 * The whole tree (buddy + 2 executors) measured 0.67–1.26 GB; before executors dropped grown
 * engines and collected above 256 MB, 0.9–1.4 GB (and failed this bound on CI).
 */
const RSS_LIMIT_BYTES = 1.5 * 1024 ** 3;
const SUITE_TIMEOUT_MS = 120_000;

interface SuiteRun {
  code: number;
  records: any[];
  stderr: string;
  peakRssBytes: number;
  db: string;
  dir: string;
}


/** Resident memory of `pid` and all its descendants, from /proc. */
function treeRss(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      total += Number(kb ?? 0) * 1024;
    } catch {}
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * Tasks beside the cases that wait on provider calls (dry-run mocks answering after
 * --mock-latency-ms) with deadlines far off: their executors hold them while stuck cases end
 * those executors, so each must run again elsewhere, uncharged, and succeed on its first attempt.
 */
const neighbourLine = (i: number) =>
  JSON.stringify({
    task_id: `neighbour-${i}`,
    wave: 1,
    predicted_success_probability: 0.9,
    uses: ["ghl"],
    timeout_ms: 60_000,
    code: "for (let i = 0; i < 3; i++) { try { await providers.ghl.getContact('c' + i); } catch (e) {} } return 'waited';",
  });

interface SuiteOptions {
  label: string;
  args: string[];
  neighbours: number;
}

const SUITES: SuiteOptions[] = [
  { label: "the hostile suite as one buddy run", args: [], neighbours: 0 },
  {
    label: "the hostile suite with --concurrency 8, beside attempts waiting on providers in the same executors",
    args: ["--concurrency", "8", "--mock-latency-ms", "300"],
    neighbours: 24,
  },
];

async function runSuite(options: SuiteOptions): Promise<SuiteRun> {
  const dir = tempDir();
  const input = join(dir, "hostile.jsonl");
  const db = join(dir, "buddy.db");
  writeSuite(input);
  appendFileSync(input, Array.from({ length: options.neighbours }, (_, i) => `${neighbourLine(i)}\n`).join(""));
  const proc = Bun.spawn(
    [BUDDY, "run", input, "--retry", "none", "--seed", String(SEED), "--threads", "2", "--agents", "2", "--db", db, "--run-id", RUN_ID, "--quiet", ...options.args],
    { cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, BUDDY_DB: "" } },
  );
  let peakRssBytes = 0;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, treeRss(proc.pid));
  }, 50);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearInterval(sampler);
  const records = stdout.split("\n").filter((line) => line.length > 0).map((line) => JSON.parse(line));
  return { code, records, stderr, peakRssBytes, db, dir };
}

/** The class a task record ended in: OK for a success, else its error code. */
const classOf = (record: any): string => (record.status === "succeeded" ? "OK" : record.error?.code);

for (const options of SUITES) describe(options.label, () => {
  let suite: SuiteRun;
  const tasks = new Map<string, any>();

  beforeAll(async () => {
    suite = await runSuite(options);
    for (const record of ofType(suite.records, "task")) tasks.set(record.task_id, record);
  }, SUITE_TIMEOUT_MS);

  describe("every case", () => {
    test("has at least 60 cases, 15 of them legitimate, and every class", () => {
      expect(CASES.length).toBeGreaterThanOrEqual(60);
      expect(CASES.filter((c) => c.expect === "OK" && !c.name.startsWith("pollute-")).length).toBeGreaterThanOrEqual(15);
      const classes: OutcomeClass[] = ["OK", "TIMEOUT", "MEMORY_LIMIT", "STACK_OVERFLOW", "OUTPUT_LIMIT", "RESULT_NOT_JSON", "VIOLATION"];
      for (const c of classes) expect(CASES.some((x) => x.expect === c)).toBe(true);
    });

    test("buddy finishes normally: exit code 1, a summary, a task record per task", () => {
      expect({ code: suite.code, stderr: suite.stderr }).toEqual({ code: 1, stderr: "" });
      expect(ofType(suite.records, "summary")).toEqual([expect.objectContaining({ run_id: RUN_ID, status: "failed" })]);
      expect(tasks.size).toBe(CASES.length + LEFTOVER_CHECKS + options.neighbours);
    });

    test("every case ends in its expected class (VIOLATION with its type; OK with its result)", () => {
      const wrong: string[] = [];
      for (const c of CASES) {
        const record = tasks.get(c.name);
        const got = record === undefined ? "missing" : classOf(record);
        if (got !== c.expect && got !== c.orElse) wrong.push(`${c.name}: expected ${c.expect}, got ${got} (${record?.error?.message ?? ""})`);
        else if (c.expect === "VIOLATION" && record.error.violation_type !== c.violation_type) {
          wrong.push(`${c.name}: expected ${c.violation_type}, got ${record.error.violation_type}`);
        }
      }
      expect(wrong).toEqual([]);
      for (const c of CASES.filter((x) => x.expect === "OK")) {
        const expected = c.seededResult ? c.seededResult(SEED, c.name) : c.result;
        expect({ name: c.name, result: tasks.get(c.name).result }).toEqual({ name: c.name, result: expected });
      }
    });

    test("each case ends within its timeout + 250 ms, and no TIMEOUT before its timeout", () => {
      const late: string[] = [];
      for (const c of CASES) {
        const bound = timeoutOf(c) + 250;
        const record = tasks.get(c.name);
        const duration = record?.duration_ms;
        if (!(duration <= bound)) late.push(`${c.name}: ${duration} ms > ${bound} ms`);
        // Nor early: a TIMEOUT (the executor kill included) comes only after the whole deadline.
        const timedOut = record !== undefined && classOf(record) === "TIMEOUT";
        if (timedOut && !(duration >= timeoutOf(c))) late.push(`${c.name}: ${duration} ms < ${timeoutOf(c)} ms`);
      }
      expect(late).toEqual([]);
    });

    test("the process tree's memory stays bounded", () => {
      expect(suite.peakRssBytes).toBeGreaterThan(0);
      expect(suite.peakRssBytes).toBeLessThan(RSS_LIMIT_BYTES);
    });

    test("attempts that waited on providers beside the cases each succeeded on their first attempt", () => {
      for (let i = 0; i < options.neighbours; i++) {
        expect(tasks.get(`neighbour-${i}`)).toMatchObject({ status: "succeeded", attempts: 1, result: "waited" });
      }
    });

    test("a later wave finds no leftovers: globals and intrinsics are those of a pristine sandbox", async () => {
      const dir = tempDir();
      const file = join(dir, "leftovers.js");
      writeFileSync(file, LEFTOVERS_CHECK);
      const pristine = await buddy(["sandbox", "eval", "--file", file]);
      expect(pristine.records[0]).toMatchObject({ status: "succeeded", violations: [] });
      const baseline = pristine.records[0].result;
      expect(Object.values(baseline.checks).every((v) => v === true)).toBe(true);
      for (let i = 0; i < LEFTOVER_CHECKS; i++) {
        const record = tasks.get(leftoverTaskId(i));
        expect(record).toMatchObject({ wave: 2, status: "succeeded" });
        expect(record.result).toEqual(baseline);
      }
    });
  });

  describe("buddy violations", () => {
    test("lists, per attempt, exactly the violations each case made, as violation records", async () => {
      const ran = await buddy(["violations", RUN_ID, "--db", suite.db]);
      expect(ran.code).toBe(0);
      for (const record of ran.records) expect(Value.Check(ViolationRecordSchema, record)).toBe(true);
      const byTask = new Map<string, string[]>();
      for (const v of ran.records) byTask.set(v.task_id, [...(byTask.get(v.task_id) ?? []), v.violation_type]);
      for (const c of CASES) {
        expect({ name: c.name, types: byTask.get(c.name) ?? [] }).toEqual({ name: c.name, types: expectedViolations(c) });
      }
      for (const id of byTask.keys()) expect(CASES.some((c) => c.name === id)).toBe(true);
      const fetchCase = ran.records.find((v) => v.task_id === "vio-fetch");
      expect(fetchCase).toMatchObject({ run_id: RUN_ID, attempt: 1, execution_id: `${RUN_ID}/vio-fetch/1` });
      expect(fetchCase.code_preview).toBe(CASES.find((c) => c.name === "vio-fetch")!.code.slice(0, 200));
    });

    test("each violating task's record carries VIOLATION and the first touch's type", () => {
      for (const c of CASES.filter((x) => x.expect === "VIOLATION")) {
        expect(tasks.get(c.name).error).toMatchObject({ code: "VIOLATION", violation_type: c.violation_type, retryable: false });
      }
    });
  });
});

describe("buddy sandbox eval", () => {
  /** One case per class, and one per violation type: eval must give the same class. */
  const sample = (): HostileCase[] => {
    const picked = new Map<string, HostileCase>();
    for (const c of CASES) {
      // Cases with a second correct class would make the sample's comparison depend on speed.
      if (c.name === "ok-input-and-task" || c.seededResult || c.orElse) continue;
      const key = c.expect === "VIOLATION" ? `VIOLATION/${c.violation_type}` : c.expect;
      if (!picked.has(key)) picked.set(key, c);
    }
    return [...picked.values()];
  };

  test("reproduces a sample of cases, one per class and violation type", async () => {
    const cases = sample();
    expect(cases.length).toBeGreaterThanOrEqual(11);
    const dir = tempDir();
    const mismatches: string[] = [];
    for (const c of cases) {
      const file = join(dir, `${c.name}.js`);
      writeFileSync(file, c.code);
      const args = ["sandbox", "eval", "--file", file, "--timeout-ms", String(timeoutOf(c)), "--memory-mb", String(memoryOf(c))];
      const record = (await buddy(args)).records[0];
      const got = record.status === "succeeded" ? "OK" : record.error?.code;
      if (got !== c.expect || record.error?.violation_type !== c.violation_type) {
        mismatches.push(`${c.name}: expected ${c.expect} ${c.violation_type ?? ""}, got ${got} ${record.error?.violation_type ?? ""}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 60_000);
});
