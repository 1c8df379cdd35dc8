/**
 * The run's providers (SPEC 6): one instance per run in the main process, so the mocks' state
 * (contacts, mailbox, sessions) is shared by all its tasks, and is stored with the run after
 * every call so a resumed run continues with it. Executors forward the guest's calls here.
 */
import { createLiveProviders, createMockProviders, type ProviderCall, type Providers } from "../providers";
import { answerLimitBytes } from "../sandbox/provider-answer";
import type { Clock } from "../core";
import type { SandboxHost } from "../sandbox";
import type { RunRow, Store } from "../store";

export async function runProviders(run: RunRow, store: Store, env: Record<string, string | undefined>, clock: Clock): Promise<Providers> {
  const { options } = run;
  // Live calls take the time they take: --mock-latency-ms has no effect on them.
  if (options.live) return createLiveProviders({ env });
  return createMockProviders({
    seed: run.seed,
    errorRate: options.mock_error_rate,
    state: await store.providerState(run.run_id),
    latencyMs: options.mock_latency_ms,
    clock,
  });
}

/**
 * The host of one attempt: its calls go to the run's providers, tagged with the task and attempt,
 * and capped at the answer size the attempt's memory_mb allows. After each call, `onState` gets
 * the mocks' new state to store (never called for providers without one).
 */
export function providerHost(providers: Providers, task_id: string, attempt: number, memoryMb: number, onState: (state: unknown) => void): SandboxHost {
  const limit_bytes = answerLimitBytes(memoryMb);
  return {
    async call(provider, method, argsJson, seq) {
      const call = { provider, method, args: JSON.parse(argsJson) as unknown[], task_id, attempt, seq, limit_bytes } as ProviderCall;
      const result = await providers.call(call);
      const state = providers.snapshot();
      if (state !== undefined) onState(state);
      return JSON.stringify(result);
    },
  };
}
