/**
 * How an executor process is started: the given command under a shell that first raises the
 * native stack limit. QuickJS's WASM frames run on the host stack, so without it deep recursion
 * or deeply nested source overflows the host before QuickJS's own stack check fires
 * (sandbox-notes 2.4). JSC is told about the larger stack only when `ulimit` succeeded, and the
 * executor tells from the same variable whether it has it (hasLargeNativeStack).
 */
import { NATIVE_STACK_ENV, NATIVE_STACK_KIB, NATIVE_STACK_USAGE_BYTES } from "../sandbox/limits";
import { SUPERVISOR_PID_ENV } from "./protocol";

const RAISE_STACK = `ulimit -s ${NATIVE_STACK_KIB} 2>/dev/null && export ${NATIVE_STACK_ENV}=${NATIVE_STACK_USAGE_BYTES}; exec "$@"`;

/**
 * The only variables an executor gets. Task code runs in executors and provider calls are made
 * by the main process, so credentials (GHL_API_TOKEN, MSGRAPH_CLIENT_SECRET, …) never enter the
 * process where hostile code runs, even though the sandbox could not read them anyway.
 */
const EXECUTOR_ENV = ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL"] as const;

/**
 * WASM memories JSC gives "fast memory" (bounds checks by guard pages, a large virtual
 * reservation each, no resident cost). Past its default few, each new memory first triggers a
 * full garbage collection to find a reservation to reuse, and an executor holds one engine, so one
 * memory, per attempt it interleaves (up to 64, for up to 4 memory caps). Measured: 1,000 tasks
 * each waiting 200 ms on 64 lanes and 2 executors spent 244–340 ms per executor in those
 * collections (7.5 ms per memory) and took 4.34 s; with this limit, 3.96–3.97 s.
 */
const FAST_MEMORIES = 320;

export function spawnExecutor(command: readonly string[], env: Record<string, string | undefined>) {
  const passed = Object.fromEntries(EXECUTOR_ENV.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
  return Bun.spawn(["/bin/sh", "-c", RAISE_STACK, "buddy-executor", ...command], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    // The supervisor's pid lets the executor see that it was re-parented before it tied its life
    // to ours (parent-death.ts).
    env: { ...passed, [SUPERVISOR_PID_ENV]: String(process.pid), BUN_JSC_maxNumWasmFastMemories: String(FAST_MEMORIES) },
  });
}

export type ExecutorProcess = ReturnType<typeof spawnExecutor>;
