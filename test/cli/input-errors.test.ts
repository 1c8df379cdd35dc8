import { expect, test } from "bun:test";
import { buddy, fixture, tempDir } from "./helpers";

const problemLines = (stderr: string) => stderr.split("\n").filter((l) => /^.+:\d+: \S+: /.test(l));

test("a bad line, a duplicate id, a probability of 1.7 and a missing field: all reported, exit 2, no run", async () => {
  const dir = tempDir();
  await buddy(["run", fixture("all-ok.jsonl"), "--quiet"], { cwd: dir });
  const ran = await buddy(["run", fixture("invalid/four-problems.jsonl")], { cwd: dir });
  expect(ran.code).toBe(2);
  expect(ran.stdout).toBe("");
  const lines = problemLines(ran.stderr);
  expect(lines.length).toBe(4);
  expect(lines.some((l) => /four-problems\.jsonl:\d+: .*JSON/i.test(l))).toBe(true);
  expect(lines.some((l) => /:\d+: task_id: .*already used on line/.test(l))).toBe(true);
  expect(lines.some((l) => /:\d+: predicted_success_probability: .*1\.7/.test(l))).toBe(true);
  expect(lines.some((l) => /:\d+: task_id: .*(missing|required)/i.test(l))).toBe(true);
  const runs = await buddy(["runs"], { cwd: dir });
  expect(runs.records.length).toBe(1);
});

test("buddy validate prints the same problems and exits 2; a good file exits 0", async () => {
  const bad = await buddy(["validate", fixture("invalid/four-problems.jsonl")]);
  expect(bad.code).toBe(2);
  expect(problemLines(bad.stderr).length).toBe(4);
  expect(bad.records[0]).toMatchObject({ type: "validation", ok: false });
  const good = await buddy(["validate", fixture("all-ok.jsonl")]);
  expect(good.code).toBe(0);
  expect(good.records[0]).toMatchObject({ type: "validation", ok: true, problems: [], warnings: [] });
});

test("every broken fixture is refused with exit 2 and a FILE:LINE: field: message line", async () => {
  const names = ["both-code-and-script", "no-code", "missing-script", "unknown-provider", "not-object", "bad-types"];
  for (const name of names) {
    const ran = await buddy(["validate", fixture(`invalid/${name}.jsonl`)]);
    expect({ name, code: ran.code }).toEqual({ name, code: 2 });
    expect(problemLines(ran.stderr).length).toBeGreaterThan(0);
  }
});

test("a problem of the whole file has no line number: FILE: message", async () => {
  const file = fixture("invalid/empty.jsonl");
  const ran = await buddy(["validate", file]);
  expect(ran.code).toBe(2);
  expect(ran.stderr.split("\n")[0]).toBe(`${file}: contains no tasks`);
});

test("a missing input file is the same message in run and validate", async () => {
  const [ran, checked] = await Promise.all([buddy(["run", "/nonexistent/tasks.jsonl"]), buddy(["validate", "/nonexistent/tasks.jsonl"])]);
  expect([ran.code, checked.code]).toEqual([2, 2]);
  expect(ran.stderr).toBe(checked.stderr);
  expect(ran.stderr).toContain("input /nonexistent/tasks.jsonl not found");
});

test("usage errors exit 2 with a message, not a stack", async () => {
  const ran = await buddy(["run", fixture("demo.jsonl"), "--agents", "0"]);
  expect(ran.code).toBe(2);
  expect(ran.stderr).toContain("--agents");
  expect(ran.stderr).not.toContain("    at ");
  const missing = await buddy(["run", "/nonexistent/tasks.jsonl"]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("/nonexistent/tasks.jsonl");
});
