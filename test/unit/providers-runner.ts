/**
 * Runs a provider fixture's task code on the host, with a `providers` object shaped like the
 * sandbox's (only the providers in `uses`, JSON in and out, failures rejected with the
 * PROVIDER_ERROR value) and the retry classification of SPEC 4.4. It stands in for the sandbox
 * so the fixtures and both provider modes can be tested before they are wired together; delays
 * are skipped, and each call can be held back a random moment to shuffle concurrent tasks.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isRetryable, PROVIDERS } from "../../src/core";
import { PROVIDER_METHODS, type ProviderError, type Providers } from "../../src/providers";

export interface FixtureTask {
  task_id: string;
  wave?: number;
  uses?: string[];
  input?: unknown;
  code?: string;
  script?: string;
  max_retries?: number;
}

export interface TaskOutcome {
  status: "succeeded" | "failed";
  attempts: number;
  result?: unknown;
  error?: unknown;
  /** Status of each PROVIDER_ERROR that failed an attempt, in order. */
  failures: number[];
}

export function readFixture(file: string): FixtureTask[] {
  const tasks = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as FixtureTask);
  for (const t of tasks) if (t.script) t.code = readFileSync(join(dirname(file), t.script), "utf8");
  return tasks;
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (
  ...values: unknown[]
) => Promise<unknown>;

function guestProviders(p: Providers, task: FixtureTask, attempt: number, jitterMs: number) {
  let seq = 0;
  const out: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const provider of PROVIDERS) {
    if (!task.uses?.includes(provider)) continue;
    out[provider] = {};
    for (const method of PROVIDER_METHODS[provider]) {
      out[provider][method] = async (...args) => {
        const call = { provider, method, args: JSON.parse(JSON.stringify(args)), task_id: task.task_id, attempt, seq: seq++ };
        if (jitterMs > 0) await Bun.sleep(Math.random() * jitterMs);
        const r = await p.call(call);
        if (r.ok) return r.value;
        throw r.error;
      };
    }
  }
  return out;
}

async function runTask(p: Providers, task: FixtureTask, jitterMs: number): Promise<TaskOutcome> {
  const failures: number[] = [];
  const maxAttempts = 1 + (task.max_retries ?? 3);
  for (let attempt = 1; ; attempt++) {
    const fn = new AsyncFunction("input", "task", "providers", task.code!);
    try {
      const result = await fn(task.input, { id: task.task_id, attempt }, guestProviders(p, task, attempt, jitterMs));
      return { status: "succeeded", attempts: attempt, result: JSON.parse(JSON.stringify(result ?? null)), failures };
    } catch (e) {
      const err = e as Partial<ProviderError>;
      const retryable = err.code === "PROVIDER_ERROR" ? isRetryable("PROVIDER_ERROR", { status: err.status }) : false;
      if (err.code === "PROVIDER_ERROR") failures.push(err.status!);
      if (!retryable || attempt >= maxAttempts) return { status: "failed", attempts: attempt, error: e, failures };
    }
  }
}

/** Runs the tasks wave by wave, each wave's tasks concurrently. */
export async function runFixture(p: Providers, tasks: FixtureTask[], o: { jitterMs?: number } = {}) {
  const outcomes = new Map<string, TaskOutcome>();
  const waves = [...new Set(tasks.map((t) => t.wave ?? 1))].sort((a, b) => a - b);
  for (const wave of waves) {
    const these = tasks.filter((t) => (t.wave ?? 1) === wave);
    const done = await Promise.all(these.map((t) => runTask(p, t, o.jitterMs ?? 0)));
    these.forEach((t, i) => outcomes.set(t.task_id, done[i]!));
  }
  return outcomes;
}

/** The structure of a JSON value: keys and leaf types, the first element standing for an array. */
export const shape = (v: unknown): unknown =>
  Array.isArray(v)
    ? [v.length > 0 ? shape(v[0]) : "empty"]
    : v !== null && typeof v === "object"
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]))
      : v === null ? "null" : typeof v;
