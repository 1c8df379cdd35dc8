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

export function spawnExecutor(command: readonly string[], env: Record<string, string | undefined>) {
  const passed = Object.fromEntries(EXECUTOR_ENV.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
  return Bun.spawn(["/bin/sh", "-c", RAISE_STACK, "buddy-executor", ...command], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    // The supervisor's pid lets the executor see that it was re-parented before it tied its life
    // to ours (parent-death.ts).
    env: { ...passed, [SUPERVISOR_PID_ENV]: String(process.pid) },
  });
}

export type ExecutorProcess = ReturnType<typeof spawnExecutor>;
