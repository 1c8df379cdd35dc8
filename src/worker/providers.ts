/**
 * A worker's providers for one job (SPEC 6, 11). Live: the real clients, with this machine's
 * credentials. Dry run: the run's mocks, whose state lives in the backend so that every worker's
 * tasks share it as one process's would; each call reads and writes it under a row lock, and
 * only while the job is still this worker's (a stale worker changes nothing).
 */
import type { Clock } from "../core";
import { providerHost } from "../harness/providers";
import { createLiveProviders, createMockProviders, type Providers } from "../providers";
import type { SandboxHost, SandboxRequest } from "../sandbox";
import type { ClaimedJob, RunRow, WorkQueue } from "../store";

export function jobHost(run: RunRow, job: ClaimedJob, request: SandboxRequest, queue: WorkQueue, env: Record<string, string | undefined>, clock: Clock): SandboxHost {
  const providers = run.options.live ? createLiveProviders({ env }) : backendMocks(run, job, queue, clock);
  return providerHost(providers, request.task.id, request.task.attempt, request.memoryMb, () => {});
}

function backendMocks(run: RunRow, job: ClaimedJob, queue: WorkQueue, clock: Clock): Providers {
  const { seed, options } = run;
  const mocks = (state?: unknown) => createMockProviders({ seed, errorRate: options.mock_error_rate, ...(state === undefined ? {} : { state }), clock });
  return {
    async call(c) {
      // The latency is waited outside the lock, as a request's trip would be: other calls go on.
      if (options.mock_latency_ms > 0) await clock.sleep(options.mock_latency_ms);
      return queue.providerCall(job, () => mocks().snapshot(), async (state) => {
        const providers = mocks(state);
        const answer = await providers.call(c);
        return { answer, state: providers.snapshot() };
      });
    },
    // The state is stored by each call itself, in the backend.
    snapshot: () => undefined,
  };
}
