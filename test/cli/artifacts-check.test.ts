/**
 * `--out` and `--junit` are checked before anything runs (exit 2, no run stored), and `--out`
 * never mixes two runs' files: a directory that is not empty is refused unless it holds the same
 * run or `--force` is given, which replaces buddy's files and keeps every other file.
 */
import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
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
