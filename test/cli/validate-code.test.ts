/**
 * `validate` catches what it can before a run (SPEC 2.3): it compiles each task's code in the
 * sandbox without running it, so a syntax error is an input problem with its place; it warns about
 * unknown fields that look like known ones, as `run` does; `--strict` makes every unknown field a
 * problem.
 */
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, fixture, ofType, tempDir } from "./helpers";

function file(lines: object[], scripts: Record<string, string> = {}): { dir: string; path: string } {
  const dir = tempDir();
  for (const [name, text] of Object.entries(scripts)) writeFileSync(join(dir, name), text);
  const path = join(dir, "tasks.jsonl");
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return { dir, path };
}

test("code and scripts that do not compile are problems naming the place in the task's own code; nothing is run to find out", async () => {
  const { path } = file(
    [
      { task_id: "a", predicted_success_probability: 0.9, code: "const x = 1;\nreturn x +;" },
      { task_id: "b", predicted_success_probability: 0.9, script: "calc.js" },
      // Compiles: throwing, looping and touching blocked names are what an attempt finds out.
      { task_id: "c", predicted_success_probability: 0.9, code: "while (true) {} throw new Error(typeof fetch)" },
      { task_id: "d", predicted_success_probability: 0.9, code: "}); globalThis.x = 1; (function(){" },
    ],
    { "calc.js": "// a comment\nlet = ;\n" },
  );
  const checked = await buddy(["validate", path]);
  expect(checked.code).toBe(2);
  expect(checked.records[0]).toMatchObject({ ok: false, tasks: 1 });
  expect(checked.records[0].problems).toEqual([
    `${path}:1: code: does not compile: SyntaxError: unexpected token in expression: ';' (at task.js:2:11)`,
    `${path}:2: script: does not compile: SyntaxError: ${checked.records[0].problems[1].split("SyntaxError: ")[1]}`,
    expect.stringMatching(/:4: code: does not compile: SyntaxError: .* \(at task\.js:1:\d+\)$/),
  ]);
  expect(checked.records[0].problems[1]).toMatch(/\(at calc\.js:2:\d+\)$/);
  expect(checked.stderr).toContain(`${path}:1: code: does not compile`);
  // `run` runs the others; the one that cannot compile is its own SYNTAX_ERROR.
  const ran = await buddy(["run", path, "--db", join(tempDir(), "b.db"), "--max-retries", "0", "--timeout-ms", "200"]);
  expect(ran.code).toBe(1);
  expect(ofType(ran.records, "task").find((t) => t.task_id === "a").error).toMatchObject({ code: "SYNTAX_ERROR", location: { file: "task.js", line: 2 } });
});

test("an unknown field that looks like a known one is a warning in validate and run; --strict makes every unknown field a problem, and nothing runs", async () => {
  const { path } = file([
    { task_id: "a", predicted_success_probability: 0.9, code: "return 1", timeout: 500, max_retry: 2, owner: "ops" },
  ]);
  const checked = await buddy(["validate", path]);
  expect(checked.code).toBe(0);
  expect(checked.records[0].warnings).toEqual([
    `${path}:1: timeout: unknown field, kept in meta and otherwise ignored: did you mean "timeout_ms"?`,
    `${path}:1: max_retry: unknown field, kept in meta and otherwise ignored: did you mean "max_retries"?`,
  ]);
  expect(checked.stderr).toContain(`warning: ${path}:1: timeout:`);
  // `owner` looks like nothing known: meta, said nowhere.
  expect(checked.stderr).not.toContain("owner");

  const db = join(tempDir(), "b.db");
  const ran = await buddy(["run", path, "--db", db]);
  expect(ran.code).toBe(0);
  expect(ran.stderr).toContain(`buddy: warning: ${path}:1: max_retry: unknown field, kept in meta and otherwise ignored: did you mean "max_retries"?`);
  expect(ofType(ran.records, "task")[0].meta).toEqual({ timeout: 500, max_retry: 2, owner: "ops" });

  const strict = await buddy(["validate", path, "--strict"]);
  expect(strict.code).toBe(2);
  expect(strict.records[0].problems).toEqual([
    `${path}:1: timeout: unknown field (--strict): did you mean "timeout_ms"?`,
    `${path}:1: max_retry: unknown field (--strict): did you mean "max_retries"?`,
    `${path}:1: owner: unknown field (--strict)`,
  ]);
  const strictDb = join(tempDir(), "s.db");
  const refused = await buddy(["run", path, "--db", strictDb, "--strict"]);
  expect(refused.code).toBe(2);
  expect(refused.records).toEqual([]);
  expect((await buddy(["runs", "--db", strictDb])).records).toEqual([]);
});

test("the demo validates but for its one task written not to compile", async () => {
  const checked = await buddy(["validate", fixture("demo.jsonl")]);
  expect(checked.code).toBe(2);
  expect(checked.records[0].problems).toHaveLength(1);
  expect(checked.records[0].problems[0]).toContain("does not compile: SyntaxError");
});
