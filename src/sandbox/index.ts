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
 * Emscripten factory awaits instantiation), while `run` must find its engine ready. `run` is
 * asynchronous only because an attempt may wait for provider answers (SPEC 6) from `host`; guest
 * code itself runs synchronously in bounded slices between those waits.
 */
import { resolveSettings, type SandboxOptions } from "./limits";
import { runAttempt } from "./quickjs/attempt";
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

export interface Sandbox {
  /**
   * Runs one attempt to its outcome; never rejects. Needs a ready engine for the request's memory
   * cap (see `prepare`); without one the outcome is an AGENT_CRASH. The task's provider calls go
   * to `host` (without one, they fail with status 403). Attempts on one sandbox run one after
   * another, in call order: they share engines, and an engine's memory cap is one task's.
   */
  run(request: SandboxRequest, host?: SandboxHost): Promise<SandboxOutcome>;
  /**
   * Makes sure an engine for `memoryMb` is loaded. Engines are WASM modules, whose creation is
   * asynchronous (~10 ms); once loaded they are reused, so this resolves at once.
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

  const runOne = async (request: SandboxRequest, host: SandboxHost | undefined): Promise<SandboxOutcome> => {
    const started = settings.now();
    try {
      const engine = pool.take(request.memoryMb);
      if (engine === undefined) {
        pool.prepare(request.memoryMb).catch(() => {});
        return crashed(`no sandbox engine is ready for ${request.memoryMb} MiB; await prepare() first`, 0);
      }
      const { outcome, discardEngine } = await runAttempt(engine, request, settings, host);
      if (discardEngine) pool.discard(request.memoryMb, engine);
      return outcome;
    } catch (error) {
      // runAttempt catches engine failures itself; this is the last line of defence.
      settings.onEngineFault(error);
      return crashed("the sandbox failed unexpectedly", settings.now() - started);
    }
  };

  // The previous attempt's end: an attempt starts (and its deadline runs) only after it.
  let previous: Promise<unknown> = Promise.resolve();
  const run = (request: SandboxRequest, host?: SandboxHost): Promise<SandboxOutcome> => {
    const outcome = previous.then(() => runOne(request, host));
    previous = outcome;
    return outcome;
  };

  return {
    run,
    prepare: (memoryMb) => pool.prepare(memoryMb),
    close: () => pool.clear(),
  };
}

function crashed(message: string, durationMs: number): SandboxOutcome {
  return {
    ok: false,
    error: { code: "AGENT_CRASH", message },
    console: [],
    consoleTruncated: false,
    violations: [],
    durationMs,
  };
}
