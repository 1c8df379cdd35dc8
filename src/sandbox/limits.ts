/**
 * The fixed limits of the sandbox (SPEC 5) and the options a caller may tune. Numbers that come
 * from measurements cite them, so a reader can tell a chosen limit from a measured one.
 */

const KiB = 1024;
export const MiB = 1024 * KiB;

/**
 * Captured console output per attempt (SPEC 5): each entry costs its UTF-8 bytes plus
 * CONSOLE_ENTRY_OVERHEAD_BYTES, 64 KiB in all. The overhead bounds the number of entries too:
 * a loop of empty `console.log()` keeps at most 4,096 of them, not half a million.
 */
export const CONSOLE_LIMIT_BYTES = 64 * KiB;
export const CONSOLE_ENTRY_OVERHEAD_BYTES = 16;
/** Largest accepted result, in UTF-8 bytes of its JSON text (SPEC 5). */
export const RESULT_LIMIT_BYTES = 1 * MiB;
/** Cap on every text that describes a thrown value (SPEC 5). */
export const ERROR_TEXT_LIMIT = 1 * KiB;
/**
 * Distinct import specifiers recorded per attempt (`import(x)` in a loop must not grow the host).
 * Touches of blocked names need no cap: each name is recorded once (attempt-log.ts).
 */
export const VIOLATION_LIMIT = 100;
/**
 * Largest JSON text of one provider call's arguments, in characters: a call is a message to
 * another process, and nothing SPEC 6 takes comes near it.
 */
export const PROVIDER_ARGS_LIMIT = 1 * MiB;
/**
 * Provider calls of one attempt sent to the host at once; later ones wait, in call order, until
 * an answer frees a place. A task that fires calls in a loop then floods neither the executor
 * pipe nor the providers; a real API would answer such a burst with 429s anyway.
 */
export const PROVIDER_CALLS_IN_FLIGHT = 32;
/** Task source larger than this is refused before it reaches the engine. */
export const CODE_LIMIT_BYTES = 4 * MiB;

/**
 * Jobs run per `executePendingJobs` call before the host clock is checked again. Interrupts
 * inside promise jobs become ordinary rejections, so only this check bounds a job storm
 * (sandbox-notes 2.2, 3(d): bounded draining stopped every variant within ~10 ms of the deadline).
 */
export const JOB_BATCH = 1000;

/**
 * Time a settled task is at least given for serialising its result or describing its error
 * inside the guest (both run guest code: getters, `toJSON`, Proxy traps); the rest of its own
 * deadline counts too. Kept under the executor kill (its own kernel alarm at deadline + 220 ms),
 * so that even a result finished at the deadline is read, and reported within deadline + 250 ms.
 */
export const POST_BUDGET_MS = 200;

/**
 * QuickJS stack limit with the enlarged native stack (NATIVE_STACK_KIB, NATIVE_STACK_USAGE_BYTES
 * below): every probe then ends in a clean guest
 * "stack overflow" (sandbox-notes 2.4). Never above the variant's 5 MB shadow stack.
 */
const LARGE_STACK_BYTES = 1 * MiB;
/** Without the enlarged native stack, 256 KiB still stops plain recursion cleanly (2.4). */
const SMALL_STACK_BYTES = 256 * KiB;

/**
 * Deepest accepted bracket nesting of task source. Measured at 256 KiB under Bun's default
 * ~4 MB native stack: 300 levels of `({a:` and 500 of `(` already overflow the host (a host
 * RangeError, which costs the module), 200 never did. With the large native stack every kind
 * parsed cleanly at 3,000 levels and `({a:` misparsed at 10,000, so 1,000 is a generous guard.
 */
const LARGE_STACK_MAX_NESTING = 1000;
const SMALL_STACK_MAX_NESTING = 150;

/**
 * Linear memory the module needs besides the task's own allocations: the variant's 5 MB
 * shadow stack, its static data and one runtime + context. Measured: with a 16 MiB memory a
 * guest could still allocate 10.75 MiB in 64 KiB chunks, so the fixed part is ~5.25 MiB.
 */
const MODULE_OVERHEAD_BYTES = 6 * MiB;
/** The module's declared minimum memory (INITIAL_MEMORY); a smaller memory fails to link. */
export const MODULE_INITIAL_BYTES = 16 * MiB;
/** The variant's own maximum (32,768 pages); its 32-bit heap is not built for more. */
const MODULE_MAXIMUM_BYTES = 2048 * MiB;

export interface SandboxOptions {
  /**
   * The process runs with the enlarged native stack (see `hasLargeNativeStack`). Only then is
   * QuickJS given a 1 MiB stack; otherwise it gets 256 KiB and source nesting is limited harder.
   * @default false
   */
  largeStack?: boolean;
  /**
   * Memory caps (MiB) whose engines `createSandbox` starts loading right away.
   * @default [64]
   */
  preloadMemoryMb?: number[];
  /**
   * Ready spare engines kept per memory cap, so that an engine discarded after an OOM or a host
   * error is replaced synchronously by the very next attempt.
   * @default 1
   */
  spares?: number;
  /**
   * Monotonic clock in milliseconds, for deadlines.
   * @default performance.now
   */
  now?: () => number;
  /**
   * Told about every exception out of the engine itself (an Emscripten abort, a host stack
   * overflow, a failed dispose), for diagnostics. Its text never reaches task code or outcomes.
   * @default ignore
   */
  onEngineFault?: (error: unknown) => void;
}

export interface SandboxSettings {
  largeStack: boolean;
  stackBytes: number;
  maxNesting: number;
  spares: number;
  now: () => number;
  onEngineFault: (error: unknown) => void;
}

export function resolveSettings(options: SandboxOptions = {}): SandboxSettings {
  const largeStack = options.largeStack ?? false;
  return {
    largeStack,
    stackBytes: largeStack ? LARGE_STACK_BYTES : SMALL_STACK_BYTES,
    maxNesting: largeStack ? LARGE_STACK_MAX_NESTING : SMALL_STACK_MAX_NESTING,
    spares: Math.max(0, Math.floor(options.spares ?? 1)),
    now: options.now ?? (() => performance.now()),
    onEngineFault: options.onEngineFault ?? (() => {}),
  };
}

/** Bytes of WASM memory for a task allowed `memoryMb` MiB: its share plus the module's overhead. */
export function wasmMemoryBytes(memoryMb: number): number {
  const wanted = Math.ceil(Math.max(0, memoryMb)) * MiB + MODULE_OVERHEAD_BYTES;
  return Math.min(MODULE_MAXIMUM_BYTES, Math.max(MODULE_INITIAL_BYTES, wanted));
}

/**
 * The enlarged native stack executors are started with (sandbox-notes 2.4): `ulimit -s` in KiB,
 * and the part of it JSC is told it may use, in NATIVE_STACK_ENV (a margin below the limit for
 * the frames JSC does not count). JSC must be told only when the `ulimit` succeeded: telling it
 * about a stack it does not have turns a clean RangeError into a segfault.
 */
export const NATIVE_STACK_KIB = 256 * 1024;
export const NATIVE_STACK_USAGE_BYTES = 200 * MiB;
export const NATIVE_STACK_ENV = "BUN_JSC_maxPerThreadStackUsage";

/**
 * The one test of whether this process runs with the enlarged native stack: whoever spawned it
 * set NATIVE_STACK_ENV to at least NATIVE_STACK_USAGE_BYTES, which it does only once the larger
 * `ulimit -s` took. The executor passes its own environment.
 */
export function hasLargeNativeStack(env: Record<string, string | undefined>): boolean {
  const usage = Number(env[NATIVE_STACK_ENV] ?? "");
  return Number.isFinite(usage) && usage >= NATIVE_STACK_USAGE_BYTES;
}
