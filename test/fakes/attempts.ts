/**
 * An attempt runner that runs no code: each attempt's outcome comes from a script keyed by task
 * id (one entry per attempt, the last one repeating), and takes its `ms` of virtual time.
 */
import type { AttemptErrorCode } from "../../src/core";
import type { AttemptRunner } from "../../src/harness";
import type { SandboxOutcome, SandboxRequest } from "../../src/sandbox";
import type { VirtualClock } from "./clock";

export type ScriptedAttempt =
  | { ok: unknown; ms?: number }
  | { fail: AttemptErrorCode; message?: string; ms?: number; status?: number };

export class ScriptedAttempts implements AttemptRunner {
  /** Every attempt asked for, in order: `task_id#attempt`. */
  readonly calls: string[] = [];
  closed = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly script: Record<string, ScriptedAttempt[]>,
    /** Called as each attempt starts, before it ends (to interrupt a run mid-wave). */
    private readonly onStart: (request: SandboxRequest) => void = () => {},
  ) {}

  async run(request: SandboxRequest): Promise<SandboxOutcome> {
    const { id, attempt } = request.task;
    this.calls.push(`${id}#${attempt}`);
    this.onStart(request);
    const steps = this.script[id] ?? [{ ok: null }];
    const step = steps[Math.min(attempt, steps.length) - 1]!;
    const ms = step.ms ?? 10;
    this.clock.advance(ms);
    await Promise.resolve();
    const base = { console: [], consoleTruncated: false, violations: [], durationMs: ms };
    if ("ok" in step) return { ...base, ok: true, resultJson: JSON.stringify(step.ok) };
    return { ...base, ok: false, error: { code: step.fail, message: step.message ?? `scripted ${step.fail}`, ...(step.status === undefined ? {} : { status: step.status }) } };
  }

  async close(): Promise<void> {
    this.closed++;
  }
}
