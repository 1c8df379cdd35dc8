/**
 * `--format table` on `runs`, `show` and `violations` (issue 13, point 12), through the binary:
 * tables for people, JSON still the default on a pipe and on a terminal, a bad format a usage
 * error, and task text that cannot reach the terminal raw. fixtures/hostile-text.jsonl has a
 * task id made of escape sequences, one of wide characters and an emoji, a message too long for
 * a cell with a line break in it, and two tasks the sandbox stops (violations).
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { BUDDY, buddy, fixture, tempDir } from "./helpers";

const HOSTILE = fixture("hostile-text.jsonl");
const ESCAPE_ID = "\x1b[31mred\x1b[0m\x1b]0;pwned\x07";
/** What ESCAPE_ID shows as: every control written out. */
const ESCAPE_ID_SHOWN = "\\u001b[31mred\\u001b[0m\\u001b]0;pwned\\u0007";
const SCRIPT = Bun.which("script");

/** A fresh store holding `runs` runs of fixture `file` (ids `r1`, `r2`, …). */
async function store(file: string, runs = 1): Promise<string> {
  const db = join(tempDir(), "b.db");
  for (let i = 1; i <= runs; i++) {
    const ran = await buddy(["run", file, "--db", db, "--run-id", `r${i}`, "--retry", "none", "--quiet"]);
    expect(ran.code).toBeLessThanOrEqual(1);
  }
  return db;
}

const lines = (stdout: string) => stdout.replace(/\n$/, "").split("\n");
/** The blocks of `show --format table`, split at blank lines. */
const blocks = (stdout: string) => stdout.replace(/\n$/, "").split("\n\n").map(lines);
/** The display column where `needle` starts in `line`. */
const columnOf = (line: string, needle: string) => Bun.stringWidth(line.slice(0, line.indexOf(needle)));
/** No control character but the line ends: nothing a terminal would act on. */
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

test("runs --format table: a header row and one row per run, numbers right-aligned; the default is still JSON", async () => {
  const db = await store(fixture("all-ok.jsonl"), 2);
  const table = await buddy(["runs", "--db", db, "--format", "table"]);
  expect(table.code).toBe(0);
  const [header, ...rows] = lines(table.stdout);
  expect(header!.split(/\s+/)).toEqual(["RUN_ID", "STATUS", "TASKS", "WAVES", "SUCCESS_RATE", "DURATION", "CREATED_AT", "INPUT"]);
  expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(["r2", "r1"]);
  for (const row of rows) {
    expect(row).toContain("completed");
    expect(row).toContain("100.0%");
    // The rate ends where its header ends.
    expect(columnOf(row, "100.0%") + "100.0%".length).toBe(columnOf(header!, "SUCCESS_RATE") + "SUCCESS_RATE".length);
    expect(row).toMatch(/ \d+ ms | \d+\.\d s /);
  }

  const json = await buddy(["runs", "--db", db]);
  expect(json.records.map((r) => [r.type, r.run_id])).toEqual([["run", "r2"], ["run", "r1"]]);
  expect((await buddy(["runs", "--db", db, "--format", "json"])).stdout).toBe(json.stdout);
});

test("an empty store: `no runs`, not an empty table; JSON prints nothing", async () => {
  const db = join(tempDir(), "empty.db");
  expect(await buddy(["runs", "--db", db, "--format", "table"])).toMatchObject({ code: 0, stdout: "no runs\n" });
  expect(await buddy(["runs", "--db", db])).toMatchObject({ code: 0, stdout: "" });
});

test("show --format table --tasks: summary lines, the waves table, the tasks table; task text shown inert and aligned", async () => {
  const db = await store(HOSTILE);
  const shown = await buddy(["show", "r1", "--db", db, "--format", "table", "--tasks"]);
  expect(shown.code).toBe(0);
  expect(shown.stdout).not.toMatch(CONTROL);
  expect(shown.stdout).not.toContain(ESCAPE_ID);
  const [summary, waves, tasks, more] = blocks(shown.stdout);
  expect(more).toBeUndefined();

  expect(summary).toContain("run_id        r1");
  expect(summary).toContain("status        failed (exit code 1)");
  expect(summary).toContain("tasks         5: 2 succeeded, 3 failed, 0 rejected, 0 pending");
  expect(summary).toContain("success_rate  40.0%");
  expect(summary!.find((l) => l.startsWith("failed_tasks"))).toBe(`failed_tasks  ${ESCAPE_ID_SHOWN} (VIOLATION), long-message (TASK_ERROR), env-reader (VIOLATION)`);

  expect(waves![0]!.split(/\s+/).slice(0, 3)).toEqual(["WAVE", "STRATEGY", "TASKS"]);
  expect(waves).toHaveLength(2);
  expect(waves![1]).toMatch(/^\s+1\s+load_balanced\s+5\s+2\s+3\s+0\s+0\s+40\.0%/);

  const [header, ...rows] = tasks!;
  expect(header!.split(/\s+/)).toEqual(["TASK_ID", "WAVE", "AGENT_ID", "STATUS", "ATTEMPTS", "PREDICTED", "DURATION", "ERROR"]);
  expect(rows).toHaveLength(5);
  // The escaped id whole (ids are never cut), and every row's AGENT_ID where its header is,
  // past an id of escapes and one of wide characters.
  expect(rows[0]!.startsWith(`${ESCAPE_ID_SHOWN}  `)).toBe(true);
  expect(rows[1]!.startsWith("日本語-🎉-wide  ")).toBe(true);
  for (const row of rows) expect(columnOf(row, "agent_")).toBe(columnOf(header!, "AGENT_ID"));
  const long = rows.find((r) => r.startsWith("long-message"))!;
  expect(long).toContain("TASK_ERROR at task.js:1:16: Error: a message too long");
  expect(long.endsWith("…")).toBe(true);
  expect(Bun.stringWidth(long.slice(long.indexOf("TASK_ERROR")))).toBe(60);
  expect(long).not.toContain("second line");
  expect(rows.find((r) => r.startsWith("plain"))).toMatch(/succeeded\s+1\s+95\.0%\s+\d+ ms  —$/);
});

test("show --format table --attempts: an attempts table after the waves; without --tasks no tasks table", async () => {
  const db = await store(HOSTILE);
  const shown = await buddy(["show", "latest", "--db", db, "--format", "table", "--attempts"]);
  expect(shown.code).toBe(0);
  const parts = blocks(shown.stdout);
  expect(parts).toHaveLength(3);
  const [header, ...rows] = parts[2]!;
  expect(header!.split(/\s+/)).toEqual(["TASK_ID", "ATTEMPT", "AGENT_ID", "STATUS", "DURATION", "RETRY_DELAY", "CONSOLE", "ERROR"]);
  expect(rows).toHaveLength(5);
  expect(shown.stdout).not.toMatch(CONTROL);
});

test("show without --format prints the records as before: run, waves, tasks, summary", async () => {
  const db = await store(HOSTILE);
  const shown = await buddy(["show", "r1", "--db", db, "--tasks"]);
  expect(shown.records.map((r) => r.type)).toEqual(["run", "wave", "task", "task", "task", "task", "task", "summary"]);
  expect(shown.records[2].task_id).toBe(ESCAPE_ID);
});

test("violations --format table: one row per violation, the task id inert; none: `no violations`", async () => {
  const db = await store(HOSTILE);
  const listed = await buddy(["violations", "--db", db, "--format", "table"]);
  expect(listed.code).toBe(0);
  expect(listed.stdout).not.toMatch(CONTROL);
  const [header, ...rows] = lines(listed.stdout);
  expect(header!.split(/\s+/)).toEqual(["TIMESTAMP", "RUN_ID", "TASK_ID", "ATTEMPT", "VIOLATION_TYPE", "DETAILS", "CODE_PREVIEW"]);
  expect(rows).toHaveLength(2);
  // The two tasks run at the same time: the log is in the order their violations happened.
  const escaping = rows.find((row) => row.includes(ESCAPE_ID_SHOWN))!;
  expect(escaping).toMatch(/^\S+ \S+  r1\s+\\u001b\[31mred/);
  expect(escaping).toContain(`  ${ESCAPE_ID_SHOWN}  `);
  expect(escaping).toContain("NETWORK_ACCESS_ATTEMPT  read of blocked global 'fetch'");
  expect(rows.find((row) => row !== escaping)).toContain("SUBPROCESS_ATTEMPT");
  for (const row of rows) expect(columnOf(row, "read of")).toBe(columnOf(header!, "DETAILS"));
  const json = (await buddy(["violations", "r1", "--db", db])).records.map((r) => r.task_id);
  expect(json.toSorted()).toEqual([ESCAPE_ID, "env-reader"].toSorted());
  expect(rows.map((row) => row.includes(ESCAPE_ID_SHOWN))).toEqual(json.map((id) => id === ESCAPE_ID));

  const clean = await store(fixture("all-ok.jsonl"));
  expect(await buddy(["violations", "r1", "--db", clean, "--format", "table"])).toMatchObject({ code: 0, stdout: "no violations\n" });
});

test("a --format other than json or table is a usage error (exit 2) naming both, on every command", async () => {
  const db = await store(fixture("all-ok.jsonl"));
  for (const args of [["runs"], ["show", "r1"], ["violations"]]) {
    const ran = await buddy([...args, "--db", db, "--format", "yaml"]);
    expect({ code: ran.code, stdout: ran.stdout }).toEqual({ code: 2, stdout: "" });
    expect(ran.stderr).toContain('--format must be one of json, table, got "yaml"');
  }
  const help = await buddy(["runs", "--help"]);
  expect(help.stdout).toContain("--format");
  expect(help.stdout).toContain("buddy runs --format table");
});

if (SCRIPT === null) {
  test.skip("util-linux `script` is not installed: the terminal tests of --format table are skipped", () => {});
} else {
  /** What the terminal shows of `buddy args` run on a pseudo-terminal (stdout included). */
  async function onTerminal(args: string[], env: Record<string, string> = {}): Promise<string> {
    const quoted = [BUDDY, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
    const proc = Bun.spawn([SCRIPT!, "-qec", quoted, "/dev/null"], { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, BUDDY_DB: "", NO_COLOR: "", ...env } });
    const [screen] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    return screen.replaceAll("\r\n", "\n");
  }

  describe("on a terminal", () => {
    test("the table is coloured (statuses, a bold header), but not under NO_COLOR; the task's own escapes never pass", async () => {
      const db = await store(HOSTILE);
      const coloured = await onTerminal(["show", "r1", "--db", db, "--format", "table", "--tasks"]);
      expect(coloured).toContain("\x1b[1mTASK_ID");
      expect(coloured).toMatch(/\x1b\[31mfailed\s*\x1b\[0m/);
      expect(coloured).toMatch(/\x1b\[32msucceeded\x1b\[0m/);
      expect(coloured).toContain(ESCAPE_ID_SHOWN);
      expect(coloured).not.toContain(ESCAPE_ID);
      const plain = await onTerminal(["show", "r1", "--db", db, "--format", "table", "--tasks"], { NO_COLOR: "1" });
      expect(plain).not.toContain("\x1b");
      expect(plain).toContain("TASK_ID");
    });

    test("without --format, a terminal still gets JSON lines", async () => {
      const db = await store(fixture("all-ok.jsonl"));
      const screen = await onTerminal(["runs", "--db", db]);
      expect(JSON.parse(screen.trim())).toMatchObject({ type: "run", run_id: "r1" });
    });
  });
}
