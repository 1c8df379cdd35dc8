export { ExecutorPool, type PoolOptions } from "./pool";
export { KILL_GRACE_MS, killAfterMs } from "./protocol";
export { runExecutorChild } from "./child";
export { EXECUTOR_ARG } from "./protocol";
export { BACKOFFS, retryDelay, effectivePolicy } from "./retry";
export { runTask, type TaskContext, type TaskDefaults } from "./task";
export { runWave, type WaveOptions } from "./wave";
export { spawnExecutor } from "./spawn";
export { toAttemptError } from "./outcome";
