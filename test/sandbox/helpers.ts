/** What the in-process sandbox tests share: a request with test defaults, run as an executor runs it. */
import { expect } from "bun:test";
import type { Sandbox, SandboxHost, SandboxOutcome, SandboxRequest } from "../../src/sandbox";

let seq = 0;

export function request(code: string, overrides: Partial<SandboxRequest> = {}): SandboxRequest {
  return {
    code,
    inputJson: "null",
    task: { id: `t${++seq}`, wave: 1, attempt: 1, agent_id: "agent_0" },
    timeoutMs: 2000,
    memoryMb: 64,
    randomSeed: 7,
    ...overrides,
  };
}

/** Prepares the engine first, as an executor does between attempts. */
export async function runIn(sandbox: Sandbox, code: string, overrides: Partial<SandboxRequest> = {}, host?: SandboxHost): Promise<SandboxOutcome> {
  const r = request(code, overrides);
  await sandbox.prepare(r.memoryMb);
  return sandbox.run(r, host);
}

/** The returned value of a successful attempt. */
export function valueOf(outcome: SandboxOutcome): unknown {
  expect(outcome.error).toBeUndefined();
  expect(outcome.ok).toBe(true);
  return JSON.parse(outcome.resultJson!);
}
