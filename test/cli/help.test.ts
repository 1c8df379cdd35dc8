/**
 * `--help` is read by people (SPEC 1): every command shows an example, printed on one line
 * whatever the terminal's width (a command cut mid-way cannot be copied), and every option and
 * positional says what it is for.
 */
import { expect, test } from "bun:test";
import { buddy } from "./helpers";

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
  return names.map((name) => (name === "sandbox" ? ["sandbox", "eval"] : [name]));
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
  expect({ code: bare.code, stderr: bare.stderr }).toEqual({ code: 2, stderr: "buddy: Not enough arguments following: agents (buddy --help lists the commands and options)\n" });
});
