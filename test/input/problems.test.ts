/**
 * Problems of the input component (SPEC 2.3): every class of problem, as the user reads it
 * (`FILE:LINE: field: message`), from the fixtures and from text given on stdin.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { BuddyError } from "../../src/core";
import { formatProblem, type ReadOptions, TaskInputSchema, validateFile } from "../../src/input";

const FIXTURES = join(import.meta.dir, "../../fixtures");

function stdinOf(text: string | Uint8Array): ReadableStream<Uint8Array> {
  return new Blob([text]).stream();
}

/** The formatted problems of `text` read as stdin. */
async function problemsOf(text: string | Uint8Array, options: ReadOptions = {}): Promise<string[]> {
  const { problems } = await validateFile("-", { ...options, stdin: stdinOf(text) });
  return problems.map(formatProblem);
}

async function fixtureProblems(name: string, options: ReadOptions = {}) {
  const file = join(FIXTURES, "invalid", name);
  const result = await validateFile(file, options);
  return { ...result, lines: result.problems.map((p) => formatProblem(p).slice(file.length)) };
}

const task = (fields: Record<string, unknown>) =>
  JSON.stringify({ task_id: "t", predicted_success_probability: 0.9, code: "return 1", ...fields });

describe("fixtures/invalid", () => {
  test("four-problems.jsonl has exactly its four problems, on their lines", async () => {
    const { lines, taskCount } = await fixtureProblems("four-problems.jsonl");
    expect(lines).toEqual([
      ":2: (line): is not valid JSON (Expected '}')",
      ':4: task_id: "t1" is already used on line 1',
      ":5: predicted_success_probability: must be a number between 0 and 1, got 1.7",
      ":6: task_id: is required",
    ]);
    expect(taskCount).toBe(3);
  });

  test.each([
    ["both-code-and-script.jsonl", ":2: script: cannot be given together with code; give one of them"],
    ["no-code.jsonl", ":2: code: is missing (no code or script); such tasks only run with --simulate"],
    ["not-object.jsonl", ":2: (line): must be a JSON object, got an array"],
    [
      "unknown-provider.jsonl",
      ':2: uses[1]: unknown provider "salesforce"; expected one of mployer, ghl, msgraph',
    ],
    ["empty.jsonl", ": contains no tasks"],
  ])("%s", async (name, expected) => {
    expect((await fixtureProblems(name)).lines).toEqual([expected]);
  });

  test("missing-script.jsonl names the file it looked for", async () => {
    const { lines } = await fixtureProblems("missing-script.jsonl");
    expect(lines).toEqual([`:2: script: file not found: "${join(FIXTURES, "invalid/scripts/does-not-exist.js")}"`]);
  });

  test("bad-types.jsonl reports every bad field of the line, with input field names", async () => {
    const { lines } = await fixtureProblems("bad-types.jsonl");
    expect(lines).toEqual([
      ":2: task_id: must be a string, got 7",
      ":2: wave: must be an integer between 1 and 1000000, got 0",
      ":2: priority: must be an integer between 1 and 1000000, got 1.5",
      ':2: predicted_success_rate: must be a number between 0 and 1, got "high"',
      ':2: risk_assessment: unknown risk level "SEVERE"; expected one of LOW, MEDIUM, HIGH',
      ":2: memory_mb: must be an integer between 1 and 4096, got 99999",
      ":2: retry.backoff: is not allowed here; expected one of strategy, base_delay_ms, max_delay_ms, jitter",
      ':2: retry.strategy: unknown retry strategy "fibonacci"; expected one of exponential, linear, none',
      ":2: retry.jitter: must be a number between 0 and 1, got 2",
      ':2: approved: must be true or false, got "yes"',
    ]);
  });

  test("--simulate accepts tasks without code but still refuses code and script together", async () => {
    expect((await fixtureProblems("no-code.jsonl", { simulate: true })).problems).toEqual([]);
    expect((await fixtureProblems("both-code-and-script.jsonl", { simulate: true })).lines).toHaveLength(1);
  });
});

describe("problems on stdin", () => {
  test("the file is shown as <stdin>", async () => {
    expect(await problemsOf("nope\n")).toEqual([
      '<stdin>:1: (line): is not valid JSON (Unexpected identifier "nope")',
    ]);
  });

  test("scalars and null are not objects", async () => {
    expect(await problemsOf('42\n"x"\nnull\n')).toEqual([
      "<stdin>:1: (line): must be a JSON object, got a number",
      "<stdin>:2: (line): must be a JSON object, got a string",
      "<stdin>:3: (line): must be a JSON object, got null",
    ]);
  });

  test("a probability is required, under either name", async () => {
    const line = JSON.stringify({ task_id: "t", code: "return 1" });
    expect(await problemsOf(line)).toEqual([
      "<stdin>:1: predicted_success_probability: is required (or its alias predicted_success_rate)",
    ]);
  });

  test("the alias may repeat the probability but not contradict it", async () => {
    expect(await problemsOf(task({ predicted_success_rate: 0.9 }))).toEqual([]);
    expect(await problemsOf(task({ predicted_success_rate: 0.5 }))).toEqual([
      "<stdin>:1: predicted_success_rate: is 0.5 but predicted_success_probability is 0.9; give one of them",
    ]);
  });

  test("nested fields are named by path", async () => {
    const line = task({ agent_predictions: { agent_0: 1.5 }, uses: "ghl", input: { any: [1] } });
    expect(await problemsOf(line)).toEqual([
      "<stdin>:1: agent_predictions.agent_0: must be a number between 0 and 1, got 1.5",
      '<stdin>:1: uses: must be an array, got "ghl"',
    ]);
  });

  test("a provider listed twice, an empty task_id and a missing required field", async () => {
    expect(await problemsOf(task({ uses: ["ghl", "ghl"], task_id: "" }))).toEqual([
      "<stdin>:1: task_id: must not be empty",
      '<stdin>:1: uses: must not list a value twice, got ["ghl","ghl"]',
    ]);
  });

  test("a duplicate id is reported even when its first line had other problems", async () => {
    const lines = [task({ wave: 0 }), task({})].join("\n");
    expect(await problemsOf(lines)).toEqual([
      "<stdin>:1: wave: must be an integer between 1 and 1000000, got 0",
      '<stdin>:2: task_id: "t" is already used on line 1',
    ]);
  });

  test("a line over 1 MiB is one problem and the next line is still read", async () => {
    const long = `{"task_id":"big","pad":"${"x".repeat(1024 * 1024)}"}`;
    const lines = [long, task({ task_id: "after" })].join("\n");
    const { problems, taskCount } = await validateFile("-", { stdin: stdinOf(lines) });
    expect(problems.map(formatProblem)).toEqual(["<stdin>:1: (line): is longer than 1 MiB"]);
    expect(taskCount).toBe(1);
  });

  test("a line of exactly 1 MiB is accepted, even with CRLF; one byte more is not", async () => {
    const head = task({ task_id: "edge", pad: "" });
    const line = head.replace('"pad":""', `"pad":"${"x".repeat(1024 * 1024 - head.length)}"`);
    expect(Buffer.byteLength(line)).toBe(1024 * 1024);
    expect(await problemsOf(`${line}\r\n`)).toEqual([]);
    expect(await problemsOf(` ${line}\n`)).toEqual(["<stdin>:1: (line): is longer than 1 MiB"]);
  });

  test("bytes that are not UTF-8 are a problem of their line", async () => {
    const bytes = new Uint8Array([...Buffer.from('{"task_id":"'), 0xff, ...Buffer.from('"}\n')]);
    expect(await problemsOf(bytes)).toEqual(["<stdin>:1: (line): is not valid UTF-8 text"]);
  });

  test("a file of blank lines and a BOM has no tasks", async () => {
    expect(await problemsOf("\uFEFF\n  \r\n\n")).toEqual(["<stdin>: contains no tasks"]);
  });
});

describe("problem cap", () => {
  test("stops after 50 problems and says more were omitted", async () => {
    // An endless stream: the test only ends if reading really stops at the cap.
    async function* endless() {
      for (let i = 0; ; i++) yield Buffer.from(`not json ${i}\n`);
    }
    const { problems } = await validateFile("-", { stdin: endless() });
    expect(problems).toHaveLength(51);
    expect(formatProblem(problems[50]!)).toBe(
      "<stdin>:51: (file): more problems were omitted; reading stopped after 50",
    );
  });

  test("exactly the cap is a complete list, without the notice", async () => {
    const problems = await problemsOf("x\n".repeat(3), { maxProblems: 3 });
    expect(problems).toHaveLength(3);
    expect(problems.at(-1)).toContain("not valid JSON");
  });

  test("the cap counts problems, not lines", async () => {
    const problems = await problemsOf(task({ wave: 0, priority: 0, memory_mb: 0 }), { maxProblems: 2 });
    expect(problems).toEqual([
      "<stdin>:1: wave: must be an integer between 1 and 1000000, got 0",
      "<stdin>:1: priority: must be an integer between 1 and 1000000, got 0",
      "<stdin>:1: (file): more problems were omitted; reading stopped after 2",
    ]);
  });
});

describe("the source itself", () => {
  test("a missing input file is an INPUT error, not a problem", async () => {
    const missing = join(FIXTURES, "no-such-file.jsonl");
    const error = await validateFile(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuddyError);
    expect((error as BuddyError).code).toBe("INPUT");
    expect((error as BuddyError).message).toBe(`input ${missing} not found`);
  });

  test("a directory is read as a Phase 20 tree, and one without waves says what it expected", async () => {
    const { problems } = await validateFile(join(FIXTURES, "invalid"), { simulate: true });
    expect(problems.map(formatProblem)).toEqual([
      `${join(FIXTURES, "invalid")}: contains no Phase 20 waves (expected wave_<w>/agent_<i>/predicted_tasks.jsonl)`,
    ]);
  });

  test("a stream that fails half-way is an INPUT error", async () => {
    async function* broken() {
      yield Buffer.from(`${task({})}\n`);
      throw new Error("EIO");
    }
    const error = await validateFile("-", { stdin: broken() }).catch((e: unknown) => e);
    expect((error as BuddyError).code).toBe("INPUT");
    expect((error as BuddyError).message).toBe("cannot read input <stdin>: EIO");
  });
});

test("the schema printed by `buddy schema task` identifies itself and documents every field", () => {
  expect(TaskInputSchema.$id).toBeString();
  expect(TaskInputSchema.title).toBe("buddy task");
  const printed = JSON.parse(JSON.stringify(TaskInputSchema));
  expect(printed.additionalProperties).toBe(true);
  expect(printed.required).toEqual(["task_id"]);
  for (const [name, field] of Object.entries<{ description?: string }>(printed.properties)) {
    expect(`${name}: ${field.description ?? ""}`).not.toEndWith(": ");
  }
  expect(printed.properties.wave.default).toBe(1);
});
