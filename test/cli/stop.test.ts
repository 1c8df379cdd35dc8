/**
 * SPEC 3: no exit code outside 0, 1, 2, 3, 4, 130, 143, whatever stops buddy from outside. Every
 * stop signal other than SIGINT is handled as SIGTERM is (143, the run interrupted and
 * resumable); a stdout that stops taking output stops the run the same way (143); a stdout
 * closed before buddy starts is refused (2).
 */
import { describe, expect, test } from "bun:test";
import { closeSync, constants, existsSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { BUDDY, buddy, ofType, tempDir } from "./helpers";

const OTHER_STOP_SIGNALS = ["SIGHUP", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGVTALRM", "SIGPROF", "SIGXCPU", "SIGIO", "SIGSYS"] as const;

/** `count` simulated tasks of `seconds` each (with --time-scale 1), so a run lasts long enough to be stopped. */
function slowFile(dir: string, count: number, seconds = 0.05): string {
  const path = join(dir, "slow.jsonl");
  const lines = Array.from({ length: count }, (_, i) => JSON.stringify({ task_id: `t${i}`, predicted_success_probability: 1, predicted_execution_time: seconds }));
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const SLOW = ["--simulate", "--time-scale", "1", "--agents", "1", "--quiet"];

function spawn(args: string[], cwd: string, options: { detached?: boolean } = {}) {
  const proc = Bun.spawn([BUDDY, ...args], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, BUDDY_DB: "" }, ...options });
  const stderr = new Response(proc.stderr).text();
  const reader = proc.stdout.getReader();
  let text = "";
  /** Resolves once stdout holds a first full line. */
  const firstLine = async () => {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stdout ended before a line; stderr: ${await stderr}`);
      text += new TextDecoder().decode(value);
    }
  };
  const rest = async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += new TextDecoder().decode(value);
    }
  };
  return { proc, stderr, firstLine, rest };
}

const records = (text: string) => text.split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l));

/** Resuming with --replay prints every task of the run exactly once, and the run ends. */
async function expectResumable(dir: string, runId: string, tasks: number): Promise<void> {
  expect((await buddy(["show", runId], { cwd: dir })).records[0]).toMatchObject({ status: "interrupted" });
  const resumed = await buddy(["resume", runId, "--replay", "--quiet"], { cwd: dir });
  expect(resumed.code).toBe(0);
  const ids = ofType(resumed.records, "task").map((t) => t.task_id);
  expect({ count: ids.length, unique: new Set(ids).size }).toEqual({ count: tasks, unique: tasks });
  expect(resumed.records.at(-1)).toMatchObject({ type: "summary", status: "completed" });
}

describe("every stop signal ends a run like SIGTERM: 143, interrupted, resumable", () => {
  test(OTHER_STOP_SIGNALS.join(", "), async () => {
    const dir = tempDir();
    const file = slowFile(dir, 30);
    for (const signal of OTHER_STOP_SIGNALS) {
      const run = spawn(["run", file, "--run-id", signal, ...SLOW], dir);
      await run.firstLine();
      run.proc.kill(signal);
      const code = await run.proc.exited;
      const out = records(await run.rest());
      expect({ signal, code }).toEqual({ signal, code: 143 });
      // --quiet: nothing on stderr but errors, also when stopped.
      expect(await run.stderr).toBe("");
      expect(out.at(-1)).toMatchObject({ type: "summary", run_id: signal, status: "interrupted" });
      await expectResumable(dir, signal, 30);
    }
  }, 120_000);

  test("without --quiet, a stop signal is said on stderr before the run stops", async () => {
    const dir = tempDir();
    const run = spawn(["run", slowFile(dir, 30), "--run-id", "told", ...SLOW.filter((a) => a !== "--quiet")], dir);
    await run.firstLine();
    run.proc.kill("SIGTERM");
    expect(await run.proc.exited).toBe(143);
    await run.rest();
    expect(await run.stderr).toContain("buddy: interrupted by SIGTERM; finishing attempts in flight");
  }, 60_000);

  test("one SIGINT delivered twice at once (npm run, timeout) is one stop; a second one later quits at once", async () => {
    const dir = tempDir();
    const file = join(dir, "busy.jsonl");
    const busy = "const end = Date.now() + 1200; while (Date.now() < end) {} return 1";
    writeFileSync(file, Array.from({ length: 4 }, (_, i) => JSON.stringify({ task_id: `b${i}`, predicted_success_probability: 0.9, code: busy })).join("\n") + "\n");
    const stopped = async (runId: string, pauseMs: number) => {
      const run = spawn(["run", file, "--run-id", runId, "--threads", "1", "--agents", "1"], dir);
      await run.firstLine();
      await Bun.sleep(300); // an attempt is in flight
      run.proc.kill("SIGINT");
      if (pauseMs > 0) await Bun.sleep(pauseMs);
      run.proc.kill("SIGINT");
      const code = await run.proc.exited;
      return { code, last: records(await run.rest()).at(-1), told: (await run.stderr).split("interrupted by SIGINT").length - 1 };
    };
    // Both copies of one request: the attempt in flight finishes, the run ends with its summary.
    expect(await stopped("once", 0)).toMatchObject({ code: 130, last: { type: "summary", status: "interrupted" }, told: 1 });
    // A second request: out at once, before the attempt in flight ends and without a summary.
    const twice = await stopped("twice", 400);
    expect(twice.code).toBe(130);
    expect(twice.last?.type).not.toBe("summary");
    await expectResumable(dir, "once", 4);
  }, 60_000);

  test("SIGHUP to the whole process group (a closed terminal): executors ignore it, the run stops gracefully", async () => {
    const dir = tempDir();
    const file = join(dir, "busy.jsonl");
    const code = "let x = 0; for (let i = 0; i < 3e6; i++) x += i % 7; return x";
    writeFileSync(file, Array.from({ length: 24 }, (_, i) => JSON.stringify({ task_id: `b${i}`, predicted_success_probability: 0.9, code })).join("\n"));
    const run = spawn(["run", file, "--run-id", "hup", "--agents", "1", "--threads", "1", "--quiet"], dir, { detached: true });
    await run.firstLine();
    process.kill(-run.proc.pid, "SIGHUP");
    expect(await run.proc.exited).toBe(143);
    const out = records(await run.rest());
    expect(out.at(-1)).toMatchObject({ type: "summary", status: "interrupted" });
    // An executor killed by the signal would have ended its attempt as AGENT_CRASH.
    expect(ofType(out, "task").filter((t) => t.status !== "succeeded")).toEqual([]);
    const attempts = ofType((await buddy(["show", "hup", "--attempts"], { cwd: dir })).records, "attempt");
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.filter((a) => a.status !== "succeeded").map((a) => [a.task_id, a.status, a.error?.code])).toEqual([]);
    await expectResumable(dir, "hup", 24);
  }, 60_000);
});

function fifo(dir: string): string {
  const path = join(dir, "in.jsonl");
  Bun.spawnSync(["mkfifo", path]);
  return path;
}

/** Opens the FIFO for writing once buddy has opened it for reading. */
async function writerOnceRead(path: string): Promise<number> {
  for (let i = 0; i < 500; i++) {
    try {
      return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch {
      await Bun.sleep(10);
    }
  }
  throw new Error("buddy never opened the FIFO");
}

describe("while reading the input, and in commands that only read, a stop signal exits 143 at once", () => {
  for (const [command, signal] of [["run", "SIGHUP"], ["validate", "SIGUSR1"], ["calibrate", "SIGALRM"]] as const) {
    test(`${command}, ${signal}`, async () => {
      const dir = tempDir();
      const path = fifo(dir);
      if (command === "calibrate") expect((await buddy(["run", slowFile(dir, 2, 0), "--simulate", "--quiet"], { cwd: dir })).code).toBe(0);
      const args = command === "calibrate" ? ["calibrate", "latest", "--apply", path] : [command, path, "--simulate"];
      const run = spawn(args, dir);
      const writer = await writerOnceRead(path);
      writeSync(writer, '{"task_id":"half-way"');
      run.proc.kill(signal);
      expect(await run.proc.exited).toBe(143);
      closeSync(writer);
      if (command === "run") {
        expect(await run.stderr).toContain("interrupted while reading the input; nothing was stored");
        expect(existsSync(join(dir, ".buddy"))).toBe(false);
      }
      expect(await run.stderr).not.toContain("internal error");
    });
  }
});

/** Runs buddy under sh with `redirect` applied to it; its exit code and stderr. */
function shell(dir: string, args: string[], redirect: string): { code: number; stderr: string } {
  const script = `"$0" "$@" ${redirect} 2>err.txt; echo $? > rc.txt`;
  const ran = Bun.spawnSync(["sh", "-c", script, BUDDY, ...args], { cwd: dir, env: { ...process.env, BUDDY_DB: "" } });
  expect(ran.exitCode).toBe(0);
  return { code: Number(readFileSync(join(dir, "rc.txt"), "utf8")), stderr: readFileSync(join(dir, "err.txt"), "utf8") };
}

/** Runs `buddy args | head -1`; buddy's exit code and stderr. */
function intoHead(dir: string, args: string[]): { code: number; stderr: string } {
  const script = `{ "$0" "$@" 2>err.txt; echo $? > rc.txt; } | head -1 > /dev/null`;
  Bun.spawnSync(["sh", "-c", script, BUDDY, ...args], { cwd: dir, env: { ...process.env, BUDDY_DB: "" } });
  return { code: Number(readFileSync(join(dir, "rc.txt"), "utf8")), stderr: readFileSync(join(dir, "err.txt"), "utf8") };
}

const runIdIn = (stderr: string) => /run (\S+) stopped/.exec(stderr)?.[1] ?? "";

describe("a stdout that stops taking output", () => {
  test("| head -1 (EPIPE): the run stops, 143, one line naming the resume, no stack", async () => {
    const dir = tempDir();
    const ran = intoHead(dir, ["run", slowFile(dir, 40, 0.01), ...SLOW]);
    expect(ran.code).toBe(143);
    const id = runIdIn(ran.stderr);
    expect(ran.stderr).toBe(`buddy: stdout closed (EPIPE: its reader went away): run ${id} stopped; \`buddy resume ${id}\` continues it\n`);
    await expectResumable(dir, id, 40);
  }, 60_000);

  test("> /dev/full (ENOSPC): the same rule, 143, resumable", async () => {
    const dir = tempDir();
    const ran = shell(dir, ["run", slowFile(dir, 40, 0.01), ...SLOW], "> /dev/full");
    expect(ran.code).toBe(143);
    const id = runIdIn(ran.stderr);
    expect(ran.stderr).toBe(`buddy: stdout write failed (ENOSPC): run ${id} stopped; \`buddy resume ${id}\` continues it\n`);
    await expectResumable(dir, id, 40);
  }, 60_000);

  test("read-only commands: one stderr line, 143", async () => {
    const dir = tempDir();
    expect((await buddy(["run", slowFile(dir, 3000, 0), "--simulate", "--quiet"], { cwd: dir })).code).toBe(0);
    for (const args of [["show", "latest", "--tasks"], ["runs"], ["report", "latest"], ["schema", "task"], ["validate", "slow.jsonl", "--simulate"]]) {
      const full = shell(dir, args, "> /dev/full");
      expect({ args, ...full }).toEqual({ args, code: 143, stderr: "buddy: stdout write failed (ENOSPC)\n" });
    }
    const head = intoHead(dir, ["show", "latest", "--tasks"]);
    expect(head).toEqual({ code: 143, stderr: "buddy: stdout closed (EPIPE: its reader went away)\n" });
  }, 60_000);

  test("stdout closed before buddy starts (>&-): exit 2, nothing runs, nothing is stored", async () => {
    const dir = tempDir();
    for (const args of [["run", slowFile(dir, 3, 0), "--simulate"], ["runs"], ["validate", "slow.jsonl", "--simulate"]]) {
      const ran = shell(dir, args, ">&-");
      expect({ args, ...ran }).toEqual({ args, code: 2, stderr: "buddy: stdout is closed; buddy writes its records there (redirect it to a file or /dev/null instead)\n" });
    }
    expect(existsSync(join(dir, ".buddy"))).toBe(false);
    // A stdout sent to /dev/null on purpose is no closed stdout.
    expect(shell(dir, ["run", "slow.jsonl", "--simulate"], "> /dev/null").code).toBe(0);
  });
});

describe("`latest` names the newest run wherever a RUN_ID is taken", () => {
  test("show, report, violations, calibrate, resume; --run-id latest is refused; an empty store names none", async () => {
    const dir = tempDir();
    const file = slowFile(dir, 3, 0);
    await buddy(["run", file, "--simulate", "--run-id", "older", "--quiet"], { cwd: dir });
    await Bun.sleep(5);
    await buddy(["run", file, "--simulate", "--run-id", "newer", "--quiet"], { cwd: dir });
    expect((await buddy(["show", "latest"], { cwd: dir })).records[0]).toMatchObject({ type: "run", run_id: "newer" });
    expect((await buddy(["report", "latest", "--format", "json"], { cwd: dir })).stdout).toContain('"newer"');
    expect((await buddy(["violations", "latest"], { cwd: dir })).code).toBe(0);
    // Too few tasks to fit, and the refusal names the run `latest` stands for.
    const calibrated = await buddy(["calibrate", "latest"], { cwd: dir });
    expect([calibrated.code, calibrated.stderr]).toEqual([2, expect.stringContaining("run newer has 3")]);
    const resumed = await buddy(["resume", "latest"], { cwd: dir });
    expect(resumed.records).toEqual([expect.objectContaining({ type: "summary", run_id: "newer" })]);

    const named = await buddy(["run", file, "--simulate", "--run-id", "latest"], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toBe('buddy: --run-id must be another name than latest (latest names the newest run wherever a RUN_ID is taken), got "latest"\n');
    expect((await buddy(["runs"], { cwd: dir })).records.map((r) => r.run_id)).toEqual(["newer", "older"]);

    const shown = await buddy(["show", "latest"], { cwd: tempDir() });
    expect(shown.code).toBe(2);
    expect(shown.stderr).toContain("so `latest` names none");
  });
});
