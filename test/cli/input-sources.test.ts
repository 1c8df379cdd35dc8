/**
 * `buddy run` reads every source `validate` reads (SPEC 1, 2): /dev/stdin, FIFOs, process
 * substitution, /dev/null. A source that can be read once is spooled to an unlinked file before
 * the store is opened, so a blocked pipe holds no lock and a signal while reading ends the process
 * at once with nothing stored.
 */
import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { BUDDY, buddy, fixture, ofType, tempDir } from "./helpers";

const ALL_OK = fixture("all-ok.jsonl");

/** Spawns buddy without waiting, for tests that signal it or feed it later. */
function start(args: string[], cwd: string, env: Record<string, string> = {}) {
  const proc = Bun.spawn([BUDDY, ...args], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, BUDDY_DB: "", ...env } });
  const stderr = new Response(proc.stderr).text();
  return { proc, stderr };
}

const fifo = (dir: string, name = "in.jsonl") => {
  const path = join(dir, name);
  execFileSync("mkfifo", [path]);
  return path;
};

/**
 * Opens the FIFO's writing end once a reader has it open (a non-blocking open fails with ENXIO
 * until then): buddy is then known to be reading its input.
 */
async function writerOnceRead(path: string): Promise<number> {
  for (;;) {
    try {
      return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENXIO") throw error;
      await Bun.sleep(20);
    }
  }
}

describe("sources read once are spooled, like -", () => {
  test("/dev/stdin runs the tasks", async () => {
    const dir = tempDir();
    const ran = await buddy(["run", "/dev/stdin", "--quiet"], { cwd: dir, stdin: await Bun.file(ALL_OK).text() });
    expect(ran.code).toBe(0);
    expect(ofType(ran.records, "task").length).toBe(4);
  });

  test("a FIFO runs the tasks; its problems name the FIFO", async () => {
    const dir = tempDir();
    const path = fifo(dir);
    const running = start(["run", path, "--quiet"], dir);
    execFileSync("sh", ["-c", `cat "$1" > "$2"`, "sh", ALL_OK, path]);
    expect(await running.proc.exited).toBe(0);
    const bad = fifo(dir, "bad.jsonl");
    const refused = start(["run", bad], dir);
    execFileSync("sh", ["-c", `printf '{"task_id":1}\\n' > "$1"`, "sh", bad]);
    expect(await refused.proc.exited).toBe(2);
    expect(await refused.stderr).toContain(`${bad}:1: task_id: must be a string, got 1`);
  });

  test("process substitution runs the tasks", async () => {
    const dir = tempDir();
    const out = execFileSync("bash", ["-c", `"$1" run <(cat "$2") --quiet; echo "exit=$?"`, "bash", BUDDY, ALL_OK], { cwd: dir, env: { ...process.env, BUDDY_DB: "" } }).toString();
    expect(out).toContain('"type":"summary"');
    expect(out).toContain("exit=0");
  });

  test("/dev/null contains no tasks: exit 2, nothing stored", async () => {
    const dir = tempDir();
    const ran = await buddy(["run", "/dev/null"], { cwd: dir });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("/dev/null: contains no tasks\n");
    expect((await buddy(["runs"], { cwd: dir })).stdout).toBe("");
  });

  test("a spool left by a killed process is removed by the next start; a live one's is kept", async () => {
    const dir = tempDir();
    const tmp = join(dir, "tmp");
    mkdirSync(join(tmp, "buddy-stdin-999999999-dead"), { recursive: true });
    writeFileSync(join(tmp, "buddy-stdin-999999999-dead/stdin.jsonl"), "secret input");
    mkdirSync(join(tmp, `buddy-stdin-${process.pid}-live`));
    const ran = await buddy(["run", "-", "--quiet"], { cwd: dir, stdin: await Bun.file(ALL_OK).text(), env: { TMPDIR: tmp } });
    expect(ran.code).toBe(0);
    // The run's own spool was unlinked at once: nothing of it is left either.
    expect(readdirSync(tmp)).toEqual([`buddy-stdin-${process.pid}-live`]);
  });
});

describe("reading the input holds nothing", () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    test(`the first ${signal} ends a run still reading a FIFO: exit ${code}, no database`, async () => {
      const dir = tempDir();
      const path = fifo(dir);
      const running = start(["run", path], dir);
      const writer = await writerOnceRead(path);
      writeSync(writer, '{"task_id":"half-way"'); // a line begun, never ended
      running.proc.kill(signal);
      expect(await running.proc.exited).toBe(code);
      closeSync(writer);
      expect(await running.stderr).toContain("interrupted while reading the input; nothing was stored");
      expect(existsSync(join(dir, ".buddy"))).toBe(false);
    });
  }

  test("while one run waits for its input, another run on the same store goes ahead", async () => {
    const dir = tempDir();
    const path = fifo(dir);
    const waiting = start(["run", path, "--quiet"], dir);
    const writer = await writerOnceRead(path);
    const other = await buddy(["run", ALL_OK, "--quiet"], { cwd: dir });
    expect(other.code).toBe(0);
    writeSync(writer, await Bun.file(ALL_OK).bytes());
    closeSync(writer);
    expect(await waiting.proc.exited).toBe(0);
    expect((await buddy(["runs"], { cwd: dir })).records.length).toBe(2);
  });
});
