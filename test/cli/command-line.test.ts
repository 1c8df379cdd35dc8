/**
 * The command line as people type it (SPEC 1, 3): every command's `--help` shows examples, each
 * on one line whatever the terminal's width (a command cut mid-way cannot be copied), and says
 * what every option is for; a bad flag is one line in buddy's words, exit 2, and nothing made.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, fixture, ofType, tempDir } from "./helpers";

/** The lines of one section (`Options:`, `Examples:`) of a help text. */
function section(help: string, title: string): string[] {
  const lines = help.split("\n");
  const start = lines.indexOf(`${title}:`);
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && line === "");
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Every command the top-level help lists, as argv words (`sandbox` is a group: its `eval`). */
async function commands(): Promise<string[][]> {
  const top = (await buddy(["--help"])).stdout;
  const names = section(top, "Commands").map((line) => line.trim().split(/\s+/)[1]!);
  expect(names).toContain("run");
  return names.flatMap((name) => (name === "sandbox" ? [["sandbox"], ["sandbox", "eval"]] : [[name]]));
}

test("every command's help has examples, each whole on one line even on a narrow terminal", async () => {
  for (const command of [[], ...(await commands())]) {
    const ran = await buddy([...command, "--help"], { env: { COLUMNS: "40" } });
    expect({ command, code: ran.code }).toEqual({ command, code: 0 });
    const examples = section(ran.stdout, "Examples");
    expect({ command, examples: examples.length > 0 }).toEqual({ command, examples: true });
    // An example line starts with the command and says what it does after two spaces; no line
    // continues an example.
    for (const line of examples) expect({ command, line }).toEqual({ command, line: expect.stringMatching(/^ {2}buddy \S.*\S {2,}\S/) });
  }
  const run = section((await buddy(["run", "--help"], { env: { COLUMNS: "40" } })).stdout, "Examples");
  expect(run.some((line) => line.includes(`buddy run fixtures/demo.jsonl --seed 7 | jq -c 'select(.type=="task")'`))).toBe(true);
});

test("every option and positional of every command is described", async () => {
  for (const command of await commands()) {
    const help = (await buddy([...command, "--help"])).stdout;
    for (const line of [...section(help, "Options"), ...section(help, "Positionals")]) {
      // `  --name  description  [type] [default: …]`: after the name comes text, not an annotation.
      const described = line.replace(/^\s+(-\w, )?(--)?[\w-]+\s+/, "");
      expect({ command, line, described: described.length > 0 && !described.startsWith("[") }).toEqual({ command, line, described: true });
    }
  }
});

test("an option error is one line in buddy's words: the flag, what it takes, what it got", async () => {
  const cases: [string[], string][] = [
    [["run", "-", "--agents", "0"], "--agents must be an integer between 1 and 10000, got 0"],
    [["run", "-", "--agents", "many"], '--agents must be an integer between 1 and 10000, got "many"'],
    [["run", "-", "--jitter", "2"], "--jitter must be a number between 0 and 1, got 2"],
    [["run", "-", "--strategy", "fastest"], '--strategy must be one of round_robin, load_balanced, priority_based, confidence_based, got "fastest"'],
    [["report", "latest", "--format", "pdf"], '--format must be one of md, html, json, got "pdf"'],
    [["runs", "--limit", "abc"], '--limit must be an integer ≥ 1, got "abc"'],
    [["worker", "--backend", "postgres://127.0.0.1:1/x", "--threads", "0"], "--threads must be an integer between 1 and 256, got 0"],
    [["sandbox", "eval", "return 1", "--seed", "x"], '--seed must be an integer between 0 and 4294967295, got "x"'],
  ];
  for (const [args, message] of cases) {
    const ran = await buddy(args, { stdin: "" });
    expect({ args, code: ran.code, stderr: ran.stderr }).toEqual({ args, code: 2, stderr: `buddy: ${message}\n` });
  }
  const bare = await buddy(["run", "-", "--agents"], { stdin: "" });
  expect({ code: bare.code, stderr: bare.stderr }).toEqual({ code: 2, stderr: "buddy: --agents needs a value\n" });
});

test("what yargs would let through silently is refused: a flag twice, a flag without its value, a switch with a value", async () => {
  const cases: [string[], string][] = [
    [["runs", "--db", "a.db", "--db", "b.db"], "--db is given 2 times; give it once"],
    [["report", "latest", "--format", "json", "--format", "md"], "--format is given 2 times; give it once"],
    [["run", "-", "--out"], "--out needs a value"],
    [["runs", "--format"], "--format needs a value"],
    [["run", "-", "--strategy", "--agents", "3"], "--strategy needs a value"],
    [["runs", "--db", ""], "--db needs a value"],
    [["run", "-", "--live=yes"], '--live is a switch: give it alone (or --no-live), got "yes"'],
    [["show", "latest", "--tasks=1"], '--tasks is a switch: give it alone (or --no-tasks), got "1"'],
    // yargs reads an upper-case TRUE as false, and keeps the last of a switch said twice.
    [["run", "-", "--live=TRUE"], '--live is a switch: give it alone (or --no-live), got "TRUE"'],
    [["run", "-", "--live", "--no-live"], "--live is given 2 times; give it once"],
  ];
  for (const [args, message] of cases) {
    const cwd = tempDir();
    const ran = await buddy(args, { stdin: "", cwd });
    expect({ args, code: ran.code, stderr: ran.stderr }).toEqual({ args, code: 2, stderr: `buddy: ${message}\n` });
    expect(existsSync(join(cwd, ".buddy"))).toBe(false);
  }
});

test("a message quoting what was typed writes its escape characters out", async () => {
  const ran = await buddy(["show", "\u001b[31mred"]);
  expect(ran.code).toBe(2);
  expect(ran.stderr).not.toContain("\u001b");
  expect(ran.stderr).toContain("\\u001b[31mred");
});

describe("--live, --no-live and DRY_RUN", () => {
  // p 0.05 is below --min-confidence: rejected in a live run, run (and succeeding) in a dry one.
  const unlikely = `${JSON.stringify({ task_id: "a", predicted_success_probability: 0.05, code: "return 1" })}\n`;
  const statusOf = async (args: string[], env: Record<string, string>) => {
    const ran = await buddy(["run", "-", "--quiet", ...args], { stdin: unlikely, env });
    return { code: ran.code, status: ofType(ran.records, "task")[0]?.status, stderr: ran.stderr };
  };

  test("DRY_RUN=false makes a run live; --no-live makes it dry whatever DRY_RUN says", async () => {
    expect(await statusOf([], { DRY_RUN: "false" })).toMatchObject({ code: 1, status: "rejected" });
    expect(await statusOf(["--no-live"], { DRY_RUN: "false" })).toMatchObject({ code: 0, status: "succeeded" });
    expect(await statusOf(["--live"], { DRY_RUN: "true" })).toMatchObject({ code: 1, status: "rejected" });
    expect(await statusOf([], {})).toMatchObject({ code: 0, status: "succeeded" });
  });

  test("a DRY_RUN that is neither true nor false is refused, not guessed", async () => {
    expect(await statusOf([], { DRY_RUN: "0" })).toEqual({ code: 2, status: undefined, stderr: 'buddy: DRY_RUN must be true or false, got "0"\n' });
  });
});

test("a refused run never removes a store, not even one another run creates at the same moment", async () => {
  for (let round = 0; round < 5; round++) {
    const cwd = tempDir();
    writeFileSync(join(cwd, "bad.jsonl"), '{"task_id":"x"}\n');
    const [good, bad] = await Promise.all([buddy(["run", fixture("all-ok.jsonl"), "--quiet"], { cwd }), buddy(["run", "bad.jsonl"], { cwd })]);
    expect({ round, good: good.code, bad: bad.code }).toEqual({ round, good: 0, bad: 2 });
    expect(ofType(good.records, "task")).toHaveLength(4);
    expect((await buddy(["runs"], { cwd })).records).toHaveLength(1);
    expect(readdirSync(join(cwd, ".buddy"))).toContain("buddy.db");
  }
});
