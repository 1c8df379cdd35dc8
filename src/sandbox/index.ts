/**
 * The sandbox component (SPEC 5): runs one attempt of task code in a fresh QuickJS runtime and
 * context inside an executor process. Other components import only this file.
 *
 * Usage in an executor:
 *
 *     const sandbox = createSandbox({ largeStack: hasLargeNativeStack(env) });
 *     await sandbox.prepare(request.memoryMb);          // resolves at once when that cap is loaded
 *     const outcome = await sandbox.run(request, host); // never rejects
 *
 * `prepare` exists because quickjs-emscripten creates WASM modules asynchronously (its
 * Emscripten factory awaits instantiation), while an executor starts an attempt (and its
 * deadline) only once an engine is free for it. `run` is asynchronous because an attempt may wait
 * for provider answers (SPEC 6) from `host`; guest code itself runs synchronously in bounded
 * slices between those waits, and other attempts run in those waits.
 */
import { failedOutcome } from "./failed";
import { resolveSettings, type SandboxOptions } from "./limits";
import { runAttempt } from "./quickjs/attempt";
import type { Engine } from "./quickjs/engine";
import { EnginePool } from "./quickjs/pool";
import type { SandboxHost, SandboxOutcome, SandboxRequest } from "./types";

export type {
  SandboxHost,
  SandboxOutcome,
  SandboxRequest,
} from "./types";
export type { SandboxOptions } from "./limits";
/** @public See its definition: the stack test's generated child script imports it. */
export { hasLargeNativeStack } from "./limits";
export { VIOLATION_TYPES, type ViolationType } from "./policy";
export { prepareBareCycle, runBareCycle } from "./quickjs/bare";
export { TaskCompiler } from "./quickjs/compile";
export { nextTurn } from "./turns";

export interface Sandbox {
  /**
   * Runs one attempt to its outcome; never rejects. The attempt takes an engine of its own for
   * the request's memory cap (waiting for one to load if none is free; `prepare` makes that wait
   * happen before instead) and gives it back when it ends. Attempts may run concurrently: while
   * one waits on a provider answer from `host`, others run; their guest code runs one slice at a
   * time, each on its own engine, so no attempt sees another's memory or shares its cap. Without
   * a host, provider calls fail with status 403. `startedAt` (on the `now` clock) is when the
   * attempt's deadline started, if before this call: an executor dates the start it announces.
   */
  run(request: SandboxRequest, host?: SandboxHost, startedAt?: number): Promise<SandboxOutcome>;
  /**
   * Resolves once an engine for `memoryMb` is free. Engines are WASM modules, whose creation is
   * asynchronous (~10 ms); once loaded they are reused, so this usually resolves at once.
   */
  prepare(memoryMb: number): Promise<void>;
  /** Drops every engine; their memory is reclaimed by the garbage collector. */
  close(): void;
}

/** A sandbox; engines for `options.preloadMemoryMb` start loading at once, in the background. */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const settings = resolveSettings(options);
  const pool = new EnginePool(settings.spares);
  for (const memoryMb of options.preloadMemoryMb ?? [64]) pool.prepare(memoryMb).catch(() => {});

  const run = async (request: SandboxRequest, host?: SandboxHost, startedAt?: number): Promise<SandboxOutcome> => {
    let engine: Engine;
    try {
      engine = await pool.take(request.memoryMb);
    } catch (error) {
      settings.onEngineFault(error);
      return failedOutcome("AGENT_CRASH", `no sandbox engine could be loaded for ${request.memoryMb} MiB`, 0);
    }
    const started = startedAt ?? settings.now();
    try {
      const { outcome, discardEngine } = await runAttempt(engine, request, settings, host, started);
      if (discardEngine) pool.discard(request.memoryMb);
      else pool.release(request.memoryMb, engine);
      return outcome;
    } catch (error) {
      // runAttempt catches engine failures itself; this is the last line of defence.
      settings.onEngineFault(error);
      pool.discard(request.memoryMb);
      return failedOutcome("AGENT_CRASH", "the sandbox failed unexpectedly", settings.now() - started);
    }
  };

  return {
    run,
    prepare: (memoryMb) => pool.prepare(memoryMb),
    close: () => pool.clear(),
  };
}
