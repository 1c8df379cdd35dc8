/**
 * An attempt runner that runs no code: each attempt's outcome comes from a script keyed by task
 * id (one entry per attempt, the last one repeating), and takes its `ms` of virtual time.
 */
import type { AttemptErrorCode } from "../../src/core";
import type { AttemptRunner } from "../../src/harness";
import type { SandboxHost, SandboxOutcome, SandboxRequest } from "../../src/sandbox";
import type { VirtualClock } from "./clock";

/** A provider call an attempt makes through its host before it ends: provider, method, arguments. */
type ScriptedCall = [provider: string, method: string, ...args: unknown[]];

/** One attempt: its calls one after another, then `ms` of work, then its outcome. */
export type ScriptedAttempt = { ms?: number; calls?: ScriptedCall[] } & (
  | { ok: unknown }
  | { fail: AttemptErrorCode; message?: string; status?: number; retryAfterMs?: number }
);

/** A provider call as the attempt saw it: when it was sent and answered, in clock time. */
export interface SeenCall {
  attempt: string;
  call: string;
  sent: number;
  answered: number;
}

export class ScriptedAttempts implements AttemptRunner {
  /** Every attempt asked for, in order: `task_id#attempt`. */
  readonly calls: string[] = [];
  /** Every provider call the attempts made, in the order they were answered. */
  readonly answered: SeenCall[] = [];
  closed = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly script: Record<string, ScriptedAttempt[]>,
    /** Called as each attempt starts, before it ends (to interrupt a run mid-wave). */
    private readonly onStart: (request: SandboxRequest) => void = () => {},
  ) {}

  async run(request: SandboxRequest, host: SandboxHost): Promise<SandboxOutcome> {
    const { id, attempt } = request.task;
    this.calls.push(`${id}#${attempt}`);
    this.onStart(request);
    const steps = this.script[id] ?? [{ ok: null }];
    const step = steps[Math.min(attempt, steps.length) - 1]!;
    for (const [seq, [provider, method, ...args]] of (step.calls ?? []).entries()) {
      const sent = this.clock.now();
      await host.call(provider, method, JSON.stringify(args), seq);
      this.answered.push({ attempt: `${id}#${attempt}`, call: `${provider}.${method}`, sent, answered: this.clock.now() });
    }
    const ms = step.ms ?? 10;
    this.clock.advance(ms);
    await Promise.resolve();
    const base = { console: [], consoleTruncated: false, violations: [], durationMs: ms };
    if ("ok" in step) return { ...base, ok: true, resultJson: JSON.stringify(step.ok) };
    const details = { ...(step.status === undefined ? {} : { status: step.status }), ...(step.retryAfterMs === undefined ? {} : { retry_after_ms: step.retryAfterMs }) };
    return { ...base, ok: false, error: { code: step.fail, message: step.message ?? `scripted ${step.fail}`, ...details } };
  }

  async close(): Promise<void> {
    this.closed++;
  }
}
