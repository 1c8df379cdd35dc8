/**
 * SPEC 5 "Inputs the sandbox receives", through the binary: `script` paths confined to the input
 * file's directory, and JSON that is too deep, overflows a double or is not Unicode. Each is a
 * `FILE:LINE: field: message` problem from `validate` and `run` alike, exit 2, and no run stored.
 */
import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, tempDir } from "./helpers";

const OK_LINE = '{"task_id":"ok","predicted_success_probability":0.9,"code":"return 1"}';
const scriptLine = (script: string) => JSON.stringify({ task_id: "s", predicted_success_probability: 0.9, script });

/** A directory holding `tasks.jsonl` with a good first line and `second` as line 2. */
function taskDir(second: string): { dir: string; file: string } {
  const dir = realpathSync(tempDir());
  const file = join(dir, "tasks.jsonl");
  writeFileSync(file, `${OK_LINE}\n${second}\n`);
  return { dir, file };
}

/** validate and run both refuse `file` with exactly `problem` (after `FILE:`), and nothing is stored. */
async function refusedAlike(file: string, problem: string, cwd = tempDir()): Promise<void> {
  const checked = await buddy(["validate", file], { cwd });
  expect(checked.code).toBe(2);
  expect(checked.records[0].problems).toEqual([`${file}:${problem}`]);
  const ran = await buddy(["run", file], { cwd });
  expect({ code: ran.code, stdout: ran.stdout }).toEqual({ code: 2, stdout: "" });
  expect(ran.stderr).toContain(`${file}:${problem}\n`);
  expect(ran.stderr).not.toContain("    at ");
  const runs = await buddy(["runs"], { cwd });
  expect(runs.stdout).toBe("");
}

describe("script paths are confined to the input file's directory", () => {
  test("../../etc/passwd is outside, and its existence is not probed", async () => {
    const { dir, file } = taskDir(scriptLine("../../etc/passwd"));
    const outside = join(dir, "../../etc/passwd");
    await refusedAlike(file, `2: script: "../../etc/passwd" resolves to "${outside}", outside "${dir}" (scripts must stay in the input file's directory)`);
    const { file: file2 } = taskDir(scriptLine("../../no/such/file.js"));
    const ran = await buddy(["validate", file2]);
    expect(ran.records[0].problems[0]).toContain("outside");
  });

  test("absolute paths are refused, /proc/self/environ included", async () => {
    for (const path of ["/etc/passwd", "/proc/self/environ"]) {
      const { dir, file } = taskDir(scriptLine(path));
      await refusedAlike(file, `2: script: ${JSON.stringify(path)} is an absolute path; give it relative to "${dir}"`);
    }
  });

  test("a symlink that points out of the directory (to a file, to /proc, to /dev/zero) is refused", async () => {
    for (const [name, target] of [["passwd.js", "/etc/passwd"], ["env.js", "/proc/1/environ"], ["zero.js", "/dev/zero"]] as const) {
      const { dir, file } = taskDir(scriptLine(name));
      symlinkSync(target, join(dir, name));
      await refusedAlike(file, `2: script: ${JSON.stringify(name)} resolves to "${realpathSync(target)}", outside "${dir}" (scripts must stay in the input file's directory)`);
    }
  });

  test("a symlinked subdirectory that leads out is refused", async () => {
    const { dir, file } = taskDir(scriptLine("etc/passwd"));
    symlinkSync("/etc", join(dir, "etc"));
    await refusedAlike(file, `2: script: "etc/passwd" resolves to "/etc/passwd", outside "${dir}" (scripts must stay in the input file's directory)`);
  });

  test("a FIFO inside the directory is refused at once instead of hanging", async () => {
    const { dir, file } = taskDir(scriptLine("pipe.js"));
    execFileSync("mkfifo", [join(dir, "pipe.js")]);
    await refusedAlike(file, `2: script: "${join(dir, "pipe.js")}" is a FIFO, not a regular file`);
  });

  test("a directory, a file over 1 MiB and bytes that are not UTF-8 are refused; exactly 1 MiB is read", async () => {
    const { dir, file } = taskDir(scriptLine("sub"));
    mkdirSync(join(dir, "sub"));
    await refusedAlike(file, `2: script: "${join(dir, "sub")}" is a directory, not a regular file`);

    const big = taskDir(scriptLine("big.js"));
    writeFileSync(join(big.dir, "big.js"), `//${"x".repeat(1024 * 1024 - 1)}`);
    await refusedAlike(big.file, `2: script: "${join(big.dir, "big.js")}" is larger than 1 MiB`);

    const binary = taskDir(scriptLine("bin.js"));
    writeFileSync(join(binary.dir, "bin.js"), Buffer.from([0x72, 0x65, 0xff, 0xfe]));
    await refusedAlike(binary.file, `2: script: "${join(binary.dir, "bin.js")}" is not valid UTF-8 text`);

    const exact = taskDir(scriptLine("exact.js"));
    writeFileSync(join(exact.dir, "exact.js"), `return 7;//${"x".repeat(1024 * 1024 - 11)}`);
    const ok = await buddy(["validate", exact.file]);
    expect(ok.records[0]).toMatchObject({ ok: true, tasks: 2 });
  });

  test("inside the directory, through symlinks that stay inside, a script runs", async () => {
    const { dir, file } = taskDir(scriptLine("link.js"));
    mkdirSync(join(dir, "js"));
    writeFileSync(join(dir, "js/real.js"), "return 40 + 2;");
    symlinkSync("js/real.js", join(dir, "link.js"));
    const ran = await buddy(["run", file, "--quiet"]);
    expect(ran.code).toBe(0);
    expect(ran.records.find((r) => r.task_id === "s")).toMatchObject({ status: "succeeded", result: 42 });
  });

  test("a symlinked input directory is resolved: its scripts are found, and .. leaves the real directory", async () => {
    const real = realpathSync(tempDir());
    mkdirSync(join(real, "inner"));
    writeFileSync(join(real, "inner/job.js"), "return 5;");
    writeFileSync(join(real, "secret.js"), "return 'secret';");
    const link = join(realpathSync(tempDir()), "linked");
    symlinkSync(join(real, "inner"), link);
    writeFileSync(join(link, "tasks.jsonl"), `${scriptLine("job.js")}\n`);
    const ran = await buddy(["run", join(link, "tasks.jsonl"), "--quiet"]);
    expect(ran.records.find((r) => r.task_id === "s")).toMatchObject({ status: "succeeded", result: 5 });
    writeFileSync(join(link, "escape.jsonl"), `${OK_LINE}\n${scriptLine("../secret.js")}\n`);
    const file = join(link, "escape.jsonl");
    await refusedAlike(file, `2: script: "../secret.js" resolves to "${join(real, "secret.js")}", outside "${join(real, "inner")}" (scripts must stay in the input file's directory)`);
  });

  test("on stdin, scripts are relative to the working directory and confined to it", async () => {
    const cwd = realpathSync(tempDir());
    mkdirSync(join(cwd, "js"));
    writeFileSync(join(cwd, "js/job.js"), "return 9;");
    const ran = await buddy(["run", "-", "--quiet"], { cwd, stdin: `${scriptLine("js/job.js")}\n` });
    expect(ran.records.find((r) => r.task_id === "s")).toMatchObject({ status: "succeeded", result: 9 });
    const out = await buddy(["validate", "-"], { cwd, stdin: `${OK_LINE}\n${scriptLine("../x.js")}\n` });
    expect(out.records[0].problems).toEqual([`<stdin>:2: script: "../x.js" resolves to "${join(cwd, "../x.js")}", outside "${cwd}" (scripts must stay in the input file's directory)`]);
  });
});

describe("JSON that breaks a run later is refused up front", () => {
  const line = (fields: string) => `{"task_id":"j","predicted_success_probability":0.9,"code":"return 1",${fields}}`;
  const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

  test("nesting deeper than 512 levels in input, in a meta field, at 60,000 levels", async () => {
    for (const [fields, field] of [[`"input":${nested(512)}`, "input"], [`"extra":{"a":${nested(600)}}`, "extra"], [`"input":${nested(60_000)}`, "input"]]) {
      const { file } = taskDir(line(fields!));
      await refusedAlike(file, `2: ${field}: is nested deeper than 512 levels`);
    }
  });

  test("512 levels with the line's own object counted are accepted, and brackets in strings do not count", async () => {
    const { file } = taskDir(`${line(`"input":${nested(511)}`)}\n${line(`"task_id":"k","input":"${"[".repeat(5000)}"`)}`);
    const ran = await buddy(["validate", file]);
    expect(ran.records[0]).toMatchObject({ ok: true, tasks: 3 });
  });

  test("a top-level array nested too deep is a problem of the line", async () => {
    const { file } = taskDir(nested(1000));
    await refusedAlike(file, "2: (line): is nested deeper than 512 levels");
  });

  test("numbers beyond a double, in any field and at any depth, are refused instead of becoming null", async () => {
    const cases = [
      ['"input":1e309', "input"],
      ['"input":{"a":[0,-1e309]}', "input.a[1]"],
      ['"input":[1E400]', "input[0]"],
      ['"predicted_execution_time":1e999', "predicted_execution_time"],
      [`"size":${"9".repeat(310)}`, "size"],
    ];
    for (const [fields, field] of cases) {
      const { file } = taskDir(line(fields!));
      await refusedAlike(file, `2: ${field}: is a number too large for a double (beyond ±1.8e308)`);
    }
    const { file } = taskDir(line('"input":[1e308,1e-400,0.000000000000000000001e300]'));
    expect((await buddy(["validate", file])).code).toBe(0);
  });

  test("lone surrogates: two ids differing only by one, in input, in a key; a real pair is fine", async () => {
    const a = '{"task_id":"a\\ud800","predicted_success_probability":0.9,"code":"return 1"}';
    const b = '{"task_id":"a\\udc00","predicted_success_probability":0.9,"code":"return 1"}';
    const { file } = taskDir(`${a}\n${b}`);
    const checked = await buddy(["validate", file]);
    expect(checked.records[0].problems).toEqual([
      `${file}:2: task_id: contains a lone UTF-16 surrogate (not valid Unicode)`,
      `${file}:3: task_id: contains a lone UTF-16 surrogate (not valid Unicode)`,
    ]);
    for (const [fields, problem] of [
      ['"input":["x","\\uDBFF"]', "input[1]: contains a lone UTF-16 surrogate (not valid Unicode)"],
      ['"input":{"\\ud800k":1}', "input.\ufffdk: is a key with a lone UTF-16 surrogate (not valid Unicode)"],
    ]) {
      const one = taskDir(line(fields!));
      await refusedAlike(one.file, `2: ${problem}`);
    }
    const pair = taskDir(line('"input":"\\ud83d\\ude00"'));
    const ran = await buddy(["run", pair.file, "--quiet"]);
    expect(ran.code).toBe(0);
  });
});

describe("a task's limits obey the bounds of the flags they override", () => {
  test("timeout_ms above an hour is refused, as --timeout-ms is; an hour runs", async () => {
    const { file } = taskDir('{"task_id":"t","predicted_success_probability":0.9,"code":"return 1","timeout_ms":2147483647}');
    const checked = await buddy(["validate", file]);
    expect(checked.code).toBe(2);
    expect(checked.records[0].problems[0]).toStartWith(`${file}:2: timeout_ms: `);
    expect((await buddy(["run", fileOf('{"task_id":"t","predicted_success_probability":0.9,"code":"return 1"}'), "--timeout-ms", "3600001"])).code).toBe(2);
    const hour = await buddy(["run", fileOf('{"task_id":"t","predicted_success_probability":0.9,"code":"return 1","timeout_ms":3600000}'), "--quiet"]);
    expect(hour.code).toBe(0);
    expect(hour.stderr).not.toContain("TimeoutOverflowWarning");
  });

  test("a retry delay beyond what a timer can wait is refused, in a task and as a flag", async () => {
    const { file } = taskDir('{"task_id":"t","predicted_success_probability":0.9,"code":"return 1","retry":{"max_delay_ms":2147483648}}');
    expect((await buddy(["validate", file])).records[0].problems[0]).toStartWith(`${file}:2: retry.max_delay_ms: `);
    const flag = await buddy(["run", fileOf('{"task_id":"t","predicted_success_probability":0.9,"code":"return 1"}'), "--max-delay-ms", "99999999999"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--max-delay-ms");
  });
});

function fileOf(line: string): string {
  const file = join(realpathSync(tempDir()), "tasks.jsonl");
  writeFileSync(file, `${line}\n`);
  return file;
}
