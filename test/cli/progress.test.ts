/**
 * The progress line and the last human line on stderr (SPEC 3): only on a terminal, never with
 * --quiet; colour unless NO_COLOR. The terminal is a real pseudo-terminal made by util-linux
 * `script`, with buddy's stdout sent to a file, as a user at a terminal would pipe it to jq.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { painter } from "../../src/cli/colour";
import { clock, endLine, statusText } from "../../src/cli/progress";
import { BUDDY, buddy, fixture, tempDir } from "./helpers";

const MIXED = fixture("summary/mixed.jsonl");
const SCRIPT = Bun.which("script");
const SGR = /\x1b\[\d+m/;
const plain = painter(true);

describe("the progress line's text", () => {
  test("clock times: minutes and seconds, hours when there are any", () => {
    expect([0, 999, 1000, 65_000, 3_599_000, 3_600_000, 45_296_000].map(clock)).toEqual(["0:00", "0:01", "0:01", "1:05", "59:59", "1:00:00", "12:34:56"]);
  });

  test("done/total, %, failures, wave, elapsed and an ETA at this process's own pace", () => {
    const p = { run_id: "R", tasks: 300, finished: 120, failed: 3, wave: 2, waves: 3 };
    // 100 finished by this process in 10 s (20 were final before it started): 180 left take 18 s.
    expect(statusText(p, 10_000, 20, plain)).toBe("buddy: 120/300 tasks 40% · 3 failed · wave 2/3 · 0:10 elapsed · ETA 0:18");
    expect(statusText({ ...p, finished: 20 }, 10_000, 20, plain)).toContain("ETA —");
    expect(statusText({ ...p, finished: 300 }, 10_000, 20, plain)).toContain("300/300 tasks 100%");
    expect(statusText({ ...p, wave: 0 }, 0, 0, plain)).not.toContain("wave");
  });

  test("the last line says how the run ended and what to type next", () => {
    const totals = { tasks: 300, succeeded: 285, failed: 12, rejected: 3, pending: 0, attempts: 320, retries: 20 };
    const summary = { run_id: "R", status: "failed", totals, halted_by: null } as any;
    expect(endLine(summary)).toBe("run R failed: 15/300 failed (3 rejected by the safety gates) — buddy show R --tasks");
    expect(endLine({ ...summary, status: "completed", totals: { ...totals, succeeded: 300, failed: 0, rejected: 0 } })).toBe("run R completed: 300/300 succeeded");
    expect(endLine({ ...summary, status: "halted", halted_by: { task_id: "t7", code: "TIMEOUT" }, totals: { ...totals, failed: 1, rejected: 0, pending: 200 } }))
      .toBe("run R halted by --fail-fast at task t7 (TIMEOUT): 1/300 failed, 200 not run — buddy show R --tasks");
    expect(endLine({ ...summary, status: "interrupted", totals: { ...totals, pending: 201 } })).toBe("run R interrupted: 99/300 finished, 15 failed — buddy resume R continues it");
    // The task that halted the run is named by its id, the input's text: written out inert.
    const hostile = endLine({ ...summary, status: "halted", halted_by: { task_id: "\u001b[2J\u001b]0;pwned\u0007x\u202e", code: "TASK_ERROR" } }, plain);
    expect(hostile).toContain("at task \\u001b[2J\\u001b]0;pwned\\u0007x\\u202e (TASK_ERROR)");
  });
});

/** Runs `command` on a pseudo-terminal, its stdout sent to a file: what the terminal showed, and that file. */
async function onTerminal(command: string[], env: Record<string, string> = {}): Promise<{ code: number; screen: string; stdout: string }> {
  const dir = tempDir();
  const out = join(dir, "out.jsonl");
  const quoted = command.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const proc = Bun.spawn([SCRIPT!, "-qec", `${quoted} > '${out}'`, "/dev/null"], { cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, BUDDY_DB: "", NO_COLOR: "", ...env } });
  const [screen, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return { code, screen, stdout: readFileSync(out, "utf8") };
}

const buddyOnTerminal = (args: string[], env: Record<string, string> = {}) => onTerminal([BUDDY, ...args], env);

if (SCRIPT === null) {
  test.skip("util-linux `script` is not installed: the terminal tests of the progress line are skipped", () => {});
} else {
  describe("on a terminal", () => {
    test("the line shows done/total, %, failures in colour, the wave, elapsed and ETA; the end line names the run and the next command", async () => {
      const ran = await buddyOnTerminal(["run", MIXED, "--db", join(tempDir(), "b.db"), "--live", "--max-retries", "0", "--run-id", "tty1"]);
      expect(ran.code).toBe(1);
      expect(ran.screen).toContain("7/7 tasks 100%");
      expect(ran.screen).toMatch(/wave 2\/2 · \d+:\d\d elapsed · ETA /);
      expect(ran.screen).toContain("\x1b[31m3 failed\x1b[0m");
      expect(ran.screen).toContain("run tty1 failed: 3/7 failed\x1b[0m (1 rejected by the safety gates) — buddy show tty1 --tasks");
      // stdout is still JSON lines only.
      for (const line of ran.stdout.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
    });

    test("NO_COLOR: the same line without colour", async () => {
      const ran = await buddyOnTerminal(["run", MIXED, "--db", join(tempDir(), "b.db"), "--live", "--max-retries", "0"], { NO_COLOR: "1" });
      expect(ran.screen).toContain("7/7 tasks 100% · 3 failed");
      expect(ran.screen).not.toMatch(SGR);
    });

    test("--quiet: nothing at all", async () => {
      const ran = await buddyOnTerminal(["run", MIXED, "--db", join(tempDir(), "b.db"), "--live", "--max-retries", "0", "--quiet"]);
      expect(ran.code).toBe(1);
      expect(ran.screen).toBe("");
    });

    test("interrupted: the message starts on its own line, not glued to the progress line, and the end line says how to go on", async () => {
      const dir = tempDir();
      const file = join(dir, "slow.jsonl");
      const slow = "const end = Date.now() + 200; while (Date.now() < end) {} return 1";
      writeFileSync(file, Array.from({ length: 30 }, (_, i) => JSON.stringify({ task_id: `w${i}`, predicted_success_probability: 0.9, code: slow })).join("\n") + "\n");
      // SIGINT from `timeout`, so it reaches buddy itself while it runs on the terminal.
      const cut = await onTerminal(["timeout", "--preserve-status", "-s", "INT", "2", BUDDY, "run", file, "--db", join(dir, "b.db"), "--threads", "1", "--run-id", "cut2"]);
      expect(cut.code).toBe(130);
      // The message follows a cleared line or a newline, never the progress text itself.
      expect(cut.screen).toMatch(/(\r\x1b\[2K|\n)buddy: interrupted by SIGINT/);
      expect(cut.screen).toMatch(/buddy: \x1b\[33mrun cut2 interrupted\x1b\[0m: \d+\/30 finished, 0 failed — buddy resume cut2 continues it/);
    }, 60_000);
  });
}

test("stderr that is not a terminal gets no progress line and no end line", async () => {
  const ran = await buddy(["run", MIXED, "--db", join(tempDir(), "b.db"), "--live", "--max-retries", "0"]);
  expect(ran.code).toBe(1);
  expect(ran.stderr).not.toContain("tasks 100%");
  expect(ran.stderr).not.toContain("buddy show");
});
