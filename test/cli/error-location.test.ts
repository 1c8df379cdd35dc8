/**
 * Errors a person can act on (SPEC 3, issue 13 point 1): a failed task's error names the place in
 * the task's own code (`task.js` lines count from the first line of `code`; a script names its
 * file), its stack holds the task's frames only, the record carries the last attempt's console,
 * and a misspelled provider method names the valid ones. The same in `show`, JUnit, the reports
 * and `sandbox eval`.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, fixture, ofType, tempDir } from "./helpers";

/** Nothing but the task's own frames: no sandbox file, no wrapper call, no host path. */
function expectOwnFramesOnly(text: string): void {
  for (const foreign of ["bootstrap.js", "helpers.js", "providers.js", "serialise.js", "<eval>", "/etc", "/work", "/tmp", "node_modules"]) {
    expect(text).not.toContain(foreign);
  }
}

test("failed tasks carry location, own-frame stack and console; show, JUnit and the Markdown report agree", async () => {
  const dir = tempDir();
  const db = join(dir, "b.db");
  const junit = join(dir, "junit.xml");
  const run = await buddy(["run", fixture("errors/tasks.jsonl"), "--retry", "none", "--db", db, "--junit", junit, "--run-id", "errs"]);
  expect(run.code).toBe(1);
  const tasks = new Map(ofType(run.records, "task").map((t) => [t.task_id, t]));
  expect(tasks.get("syntax").error).toMatchObject({ code: "SYNTAX_ERROR", location: { file: "task.js", line: 2, column: 11 }, stack: "    at task.js:2:11" });
  expect(tasks.get("thrown").error).toMatchObject({
    code: "TASK_ERROR",
    location: { file: "task.js", line: 3, column: 29 },
    stack: "    at check (task.js:3:29)\n    at <anonymous> (task.js:5:6)",
  });
  expect(tasks.get("thrown").console).toEqual(["checking the order"]);
  // The first line's column is the code's own, not shifted by the wrapper's head.
  expect(tasks.get("first-line").error.location).toEqual({ file: "task.js", line: 1, column: 12 });
  expect(tasks.get("script").error).toMatchObject({
    location: { file: "calc.js", line: 4, column: 21 },
    stack: "    at total (calc.js:4:21)\n    at <anonymous> (calc.js:6:13)",
  });
  expect(tasks.get("misspelled").error.message).toContain("providers.ghl.getContacts is not a method of ghl; its methods are createContact, searchContact, updateContact, getContact, listContacts");
  // A stack the task wrote itself shows none of its made-up frames.
  expect(tasks.get("forged").error.stack).toBeUndefined();
  expect(tasks.get("forged").error.location).toBeUndefined();
  expect(tasks.get("ok").console).toBeUndefined();
  expectOwnFramesOnly(JSON.stringify(ofType(run.records, "task").map((t) => t.error ?? null)));

  const shown = await buddy(["show", "errs", "--tasks", "--db", db]);
  const shownTasks = ofType(shown.records, "task");
  for (const t of shownTasks) expect({ id: t.task_id, error: t.error, console: t.console }).toEqual({ id: t.task_id, error: tasks.get(t.task_id).error, console: tasks.get(t.task_id).console });

  const xml = readFileSync(junit, "utf8");
  expect(xml).toContain("at calc.js:4:21\n    at total (calc.js:4:21)");
  expectOwnFramesOnly(xml);
  const md = await buddy(["report", "errs", "--format", "md", "--db", db]);
  expect(md.stdout).toContain("## Failed Tasks");
  expect(md.stdout).toContain("| script | 1 | agent_2 | failed | TASK_ERROR | calc.js:4:21 |");
});

test("sandbox eval --file names the file; a script named like the sandbox's own files is task.js", async () => {
  const dir = tempDir();
  const calc = await buddy(["sandbox", "eval", "--file", fixture("errors/calc.js"), "--input", '{"lines":null}']);
  expect(calc.records[0].error).toMatchObject({ location: { file: "calc.js", line: 4, column: 21 } });
  await Bun.write(join(dir, "providers.js"), "function f() { throw new Error('x') }\nf();\n");
  const named = await buddy(["sandbox", "eval", "--file", "providers.js"], { cwd: dir });
  expect(named.records[0].error).toMatchObject({ location: { file: "task.js", line: 1, column: 31 }, stack: "    at f (task.js:1:31)\n    at <anonymous> (task.js:2:2)" });
});
