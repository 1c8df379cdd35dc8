/**
 * `--out` and `--junit` are checked before anything runs (exit 2, no run stored), and `--out`
 * never mixes two runs' files: a directory that is not empty is refused unless it holds the same
 * run or `--force` is given, which replaces buddy's files and keeps every other file.
 */
import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isOutDirPath } from "../../src/report";
import { BUDDY, buddy, fixture, tempDir } from "./helpers";

const ALL_OK = fixture("all-ok.jsonl");

async function refused(args: string[], message: string): Promise<void> {
  const dir = tempDir();
  const ran = await buddy(["run", ALL_OK, ...args], { cwd: dir });
  expect({ code: ran.code, stdout: ran.stdout }).toEqual({ code: 2, stdout: "" });
  expect(ran.stderr).toContain(`buddy: ${message}\n`);
  expect((await buddy(["runs"], { cwd: dir })).stdout).toBe("");
}

const filesUnder = (root: string, dir = root): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(root, join(dir, e.name)) : [relative(root, join(dir, e.name))]));

describe("paths that cannot be written are refused before anything runs", () => {
  test("--out naming a file, --out with a missing parent", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "file"), "x");
    await refused(["--out", join(dir, "file")], `--out ${join(dir, "file")}: is not a directory`);
    await refused(["--out", join(dir, "no/such/out")], `--out ${join(dir, "no/such/out")}: its directory ${join(dir, "no/such")} does not exist`);
  });

  test("--junit naming a directory, --junit with a missing parent", async () => {
    const dir = tempDir();
    await refused(["--junit", dir], `--junit ${dir}: is a directory; give a file name`);
    await refused(["--junit", join(dir, "gone/j.xml")], `--junit ${join(dir, "gone/j.xml")}: its directory ${join(dir, "gone")} does not exist`);
  });

  test("directories the user cannot write (run as nobody: root ignores permission bits)", async () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    mkdirSync(join(dir, "locked"), { mode: 0o755 });
    mkdirSync(join(dir, "locked-out"), { mode: 0o755 });
    const asNobody = (args: string[]) =>
      Bun.spawnSync(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", BUDDY, "run", ALL_OK, "--db", join(dir, "b.db"), ...args], { cwd: dir, stderr: "pipe", stdout: "pipe" });
    const cases: [string[], string][] = [
      [["--out", join(dir, "locked/out")], `--out ${join(dir, "locked/out")}: its directory ${join(dir, "locked")} is not writable`],
      [["--out", join(dir, "locked-out")], `--out ${join(dir, "locked-out")}: is not writable`],
      [["--junit", join(dir, "locked/j.xml")], `--junit ${join(dir, "locked/j.xml")}: its directory ${join(dir, "locked")} is not writable`],
    ];
    for (const [args, message] of cases) {
      const ran = asNobody(args);
      expect({ code: ran.exitCode, stderr: ran.stderr.toString() }).toEqual({ code: 2, stderr: `buddy: ${message}\n` });
    }
    expect(existsSync(join(dir, "b.db"))).toBe(false);
  });
});

describe("--out never mixes two runs", () => {
  test("a directory holding anything is refused without --force; nothing is stored", async () => {
    const out = tempDir();
    writeFileSync(join(out, "notes.txt"), "mine");
    await refused(["--out", out], `--out ${out}: is not empty (1 entries); use an empty directory, or --force to replace the files of the run written there (other files are kept)`);
  });

  test("a second run into the same directory is refused; with --force it replaces buddy's files and keeps the user's", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const first = await buddy(["run", fixture("demo.jsonl"), "--out", out, "--quiet", "--simulate"], { cwd: dir });
    expect(first.code).toBeLessThan(2);
    const written = filesUnder(out);
    // Every file buddy writes is one the --force rule knows as buddy's.
    expect(written.filter((f) => !isOutDirPath(f))).toEqual([]);
    expect(written).toContain("wave_3/system_health.json");

    const again = await buddy(["run", ALL_OK, "--out", out], { cwd: dir });
    expect(again.code).toBe(2);
    expect((await buddy(["runs"], { cwd: dir })).records.length).toBe(1);

    writeFileSync(join(out, "notes.txt"), "mine");
    writeFileSync(join(out, "wave_3/mine.txt"), "mine too");
    const forced = await buddy(["run", ALL_OK, "--out", out, "--force", "--quiet"], { cwd: dir });
    expect(forced.code).toBe(0);
    const after = filesUnder(out);
    expect(after).toContain("notes.txt");
    expect(after).toContain("wave_3/mine.txt");
    // all-ok.jsonl has two waves: the first run's third wave is gone, except the user's file.
    expect(after.filter((f) => f.startsWith("wave_3/"))).toEqual(["wave_3/mine.txt"]);
    expect(existsSync(join(out, "wave_3/agent_0"))).toBe(false);
    const summary = JSON.parse(await Bun.file(join(out, "phase21_execution_summary.json")).text());
    expect(summary.run_id).toBe(forced.records.at(-1).run_id);
  });

  test("a symlink at one of buddy's paths is replaced, never written through", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(out);
    mkdirSync(elsewhere);
    execFileSync("ln", ["-s", elsewhere, join(out, "wave_1")]);
    execFileSync("ln", ["-s", join(elsewhere, "r.html"), join(out, "report.html")]);
    const ran = await buddy(["run", ALL_OK, "--out", out, "--force", "--quiet"], { cwd: dir });
    expect(ran.code).toBe(0);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(statSync(join(out, "wave_1")).isDirectory()).toBe(true);
  });

  test("resume may rewrite the directory its own run wrote, without --force", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const first = await buddy(["run", ALL_OK, "--out", out, "--quiet"], { cwd: dir });
    const run_id = first.records.at(-1).run_id;
    const again = await buddy(["resume", run_id, "--out", out, "--quiet"], { cwd: dir });
    expect(again.code).toBe(0);
    const other = await buddy(["run", ALL_OK, "--quiet"], { cwd: dir });
    const refusedResume = await buddy(["resume", other.records.at(-1).run_id, "--out", out], { cwd: dir });
    expect(refusedResume.code).toBe(2);
    expect(refusedResume.stderr).toContain(`--out ${out}: is not empty`);
  });
});

describe("--out and --junit never replace the store or the input", () => {
  test("--junit naming the database, its -wal, the input, a symlink or a hard link to it: exit 2, the store intact", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "in.jsonl"), readFileSync(ALL_OK));
    const db = join(dir, "dbj/b.db");
    expect((await buddy(["run", "in.jsonl", "--db", db, "--quiet"], { cwd: dir })).code).toBe(0);
    symlinkSync(join(dir, "in.jsonl"), join(dir, "link.xml"));
    linkSync(join(dir, "in.jsonl"), join(dir, "hard.xml"));
    const cases: [string, string][] = [
      ["dbj/b.db", `is the store's database ${db}`],
      ["dbj/b.db-wal", `is the store's wal file ${db}-wal`],
      ["dbj/b.db-shm", `is the store's shm file ${db}-shm`],
      ["in.jsonl", `is the input file ${join(dir, "in.jsonl")}`],
      ["link.xml", `is the input file ${join(dir, "in.jsonl")}`],
      ["hard.xml", `is the input file ${join(dir, "in.jsonl")}`],
    ];
    for (const [junit, why] of cases) {
      const ran = await buddy(["run", "in.jsonl", "--db", db, "--junit", junit], { cwd: dir });
      expect({ code: ran.code, stderr: ran.stderr, stdout: ran.stdout }).toEqual({ code: 2, stderr: `buddy: --junit ${junit}: ${why}\n`, stdout: "" });
    }
    const runs = await buddy(["runs", "--db", db], { cwd: dir });
    expect({ code: runs.code, runs: runs.records.length }).toEqual({ code: 0, runs: 1 });
    expect(readFileSync(join(dir, "in.jsonl"), "utf8")).toBe(readFileSync(ALL_OK, "utf8"));
  });

  test("--out whose buddy paths hold the database or a hard link to the input: exit 2, nothing cleared", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "out"));
    const cleared = await buddy(["run", ALL_OK, "--db", join(dir, "out/report.html"), "--out", "out", "--force"], { cwd: dir });
    expect({ code: cleared.code, stderr: cleared.stderr }).toEqual({ code: 2, stderr: `buddy: --out out: would replace the store's database ${join(dir, "out/report.html")}\n` });
    expect(existsSync(join(dir, "out/report.html"))).toBe(false);

    writeFileSync(join(dir, "in.jsonl"), readFileSync(ALL_OK));
    mkdirSync(join(dir, "o2/wave_1"), { recursive: true });
    linkSync(join(dir, "in.jsonl"), join(dir, "o2/wave_1/anomalies.jsonl"));
    const linked = await buddy(["run", "in.jsonl", "--out", "o2", "--force"], { cwd: dir });
    expect({ code: linked.code, stderr: linked.stderr }).toEqual({ code: 2, stderr: `buddy: --out o2: wave_1/anomalies.jsonl is the input file ${join(dir, "in.jsonl")} (a hard link)\n` });
    expect((await buddy(["runs"], { cwd: dir })).stdout).toBe("");
  });

  test("resume checks the same: --junit naming the store is refused", async () => {
    const dir = tempDir();
    const first = await buddy(["run", ALL_OK, "--quiet", "--run-id", "R"], { cwd: dir });
    expect(first.code).toBe(0);
    const ran = await buddy(["resume", "R", "--junit", ".buddy/buddy.db"], { cwd: dir });
    expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 2, stderr: `buddy: --junit .buddy/buddy.db: is the store's database ${join(dir, ".buddy/buddy.db")}\n` });
    expect((await buddy(["runs"], { cwd: dir })).records.length).toBe(1);
  });
});

describe("--out: the wrong kind of entry at buddy's paths is refused before anything runs", () => {
  test("a directory where buddy writes a file, a file where it needs a directory", async () => {
    const out = tempDir();
    mkdirSync(join(out, "wave_1/agent_0/executed_tasks.jsonl"), { recursive: true });
    await refused(["--out", out, "--force"], `--out ${out}: wave_1/agent_0/executed_tasks.jsonl is a directory where buddy writes a file`);
    const out2 = tempDir();
    mkdirSync(join(out2, "report.html"));
    await refused(["--out", out2, "--force"], `--out ${out2}: report.html is a directory where buddy writes a file`);
    const out3 = tempDir();
    writeFileSync(join(out3, "phase16"), "x");
    await refused(["--out", out3, "--force"], `--out ${out3}: phase16 is a file where buddy needs a directory`);
  });

  test("names buddy never writes (wave_01, wave_0, agent_10000) are the user's: kept by --force", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    for (const d of ["wave_01", "wave_0", "wave_1/agent_10000", "wave_1/agent_01"]) mkdirSync(join(out, d), { recursive: true });
    for (const d of ["wave_01", "wave_0", "wave_1/agent_10000", "wave_1/agent_01"]) writeFileSync(join(out, d, "system_health.json"), "mine");
    const ran = await buddy(["run", ALL_OK, "--out", out, "--force", "--quiet"], { cwd: dir });
    expect(ran.code).toBe(0);
    for (const d of ["wave_01", "wave_0", "wave_1/agent_10000", "wave_1/agent_01"]) expect(readFileSync(join(out, d, "system_health.json"), "utf8")).toBe("mine");
  });
});

describe("nothing buddy writes follows a symlink", () => {
  test("--junit at a symlink replaces the link; its target is untouched", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "victim"), "keep");
    symlinkSync(join(dir, "victim"), join(dir, "j.xml"));
    const ran = await buddy(["run", ALL_OK, "--junit", "j.xml", "--quiet"], { cwd: dir });
    expect(ran.code).toBe(0);
    expect(readFileSync(join(dir, "victim"), "utf8")).toBe("keep");
    expect(lstatSync(join(dir, "j.xml")).isFile()).toBe(true);
    expect(readFileSync(join(dir, "j.xml"), "utf8")).toContain("<testsuites");
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  test("a symlink planted at report.html after the clear fails the write (exit 4, path named), never writes through", async () => {
    const dir = tempDir();
    const out = join(dir, "shared");
    mkdirSync(out);
    const victim = join(dir, "rootfile");
    writeFileSync(victim, "precious");
    // Another user keeps planting the link, as fast as the shell can.
    const planter = Bun.spawn(["sh", "-c", `while :; do ln -sfn "${victim}" "${out}/report.html" 2>/dev/null; done`], { stdout: "ignore", stderr: "ignore" });
    const codes: number[] = [];
    try {
      for (let i = 0; i < 6 && !codes.includes(4); i++) {
        const ran = await buddy(["run", ALL_OK, "--out", out, "--force", "--quiet", "--db", join(dir, "b.db")], { cwd: dir });
        codes.push(ran.code);
        if (ran.code === 4) expect(ran.stderr).toContain(`${join(realpathSync(out), "report.html")} appeared after buddy cleared it`);
        expect(readFileSync(victim, "utf8")).toBe("precious");
      }
    } finally {
      planter.kill();
      await planter.exited;
    }
    expect(codes).toContain(4);
    expect(codes.every((c) => c === 0 || c === 4)).toBe(true);
  }, 120_000);

  test("a layout directory that is a symlink is removed by the clear and created for real", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    mkdirSync(join(dir, "elsewhere"));
    mkdirSync(out);
    symlinkSync(join(dir, "elsewhere"), join(out, "phase16"));
    const ran = await buddy(["run", ALL_OK, "--out", out, "--force", "--quiet"], { cwd: dir });
    expect(ran.code).toBe(0);
    expect(lstatSync(join(out, "phase16")).isDirectory()).toBe(true);
    expect(readdirSync(join(dir, "elsewhere"))).toEqual([]);
  });
});
