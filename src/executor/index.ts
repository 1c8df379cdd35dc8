export { ExecutorPool } from "./pool";
export { EXECUTOR_ARG, KILL_GRACE_MS } from "./protocol";
export { retryDelay, effectivePolicy } from "./retry";
export { runTask, type TaskContext } from "./run-task";
export { runWave } from "./lanes";
export { spawnExecutor } from "./spawn";
export { toAttemptError } from "./outcome";
