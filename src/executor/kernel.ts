/**
 * What an executor asks of the Linux kernel, through bun:ffi (which the compiled binary carries).
 * Both promises of SPEC 5 "Where attempts run" must hold while the executor's only JavaScript
 * thread is stuck inside a native built-in and none of its own code (a timer, an EOF handler)
 * will ever run again, so the kernel keeps them:
 *
 * - an executor never outlives its supervisor: PR_SET_PDEATHSIG sends it SIGKILL the moment its
 *   parent dies, by SIGKILL too;
 * - an attempt ends within its deadline + 250 ms: ITIMER_REAL, armed as the attempt starts, ends
 *   the process with SIGALRM (default action: terminate) at its deadline + KILL_GRACE_MS, on the
 *   executor's own clock, however busy the supervisor is.
 *
 * Elsewhere (not Linux, no libc found) these do nothing and say so; the supervisor's own timer
 * (pool.ts) still kills a stuck executor, later and less precisely.
 */
import { dlopen, FFIType, ptr } from "bun:ffi";

const PR_SET_PDEATHSIG = 1;
const SIGKILL = 9;
const ITIMER_REAL = 0;
/** glibc, then musl. */
const LIBC = ["libc.so.6", `libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`];

const symbols = {
  prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
  getppid: { args: [], returns: FFIType.i32 },
  setitimer: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
} as const;

function openLibc() {
  if (process.platform !== "linux") return undefined;
  for (const name of LIBC) {
    try {
      return dlopen(name, symbols).symbols;
    } catch {}
  }
  return undefined;
}

const libc = openLibc();
const UNAVAILABLE = "bun:ffi cannot reach libc here";

/** Whether `setAlarm` can end this process. */
export const canAlarm = libc !== undefined;

/**
 * Ties this process's life to `supervisorPid`, its parent. Returns a problem to report when that
 * cannot be done. If the supervisor died before the tie was made (we were re-parented, and the
 * kernel will never signal), this process ends now. The signal follows the parent *thread* that
 * spawned us: the pool spawns from the supervisor's main thread, which lives as long as it does.
 */
export function dieWithSupervisor(supervisorPid: number): string | undefined {
  if (!libc) return `${UNAVAILABLE}: this executor may outlive its supervisor`;
  if (libc.prctl(PR_SET_PDEATHSIG, BigInt(SIGKILL), 0n, 0n, 0n) !== 0) {
    return "prctl(PR_SET_PDEATHSIG) failed: this executor may outlive its supervisor";
  }
  if (libc.getppid() !== supervisorPid) process.kill(process.pid, "SIGKILL");
  return undefined;
}

/** struct itimerval { it_interval, it_value }, each { tv_sec, tv_usec } as 64-bit longs. */
const timer = new BigInt64Array(4);

/**
 * Arms (or, with 0, disarms) the alarm that ends this process `ms` from now. Returns a problem to
 * report when it cannot be armed.
 */
export function setAlarm(ms: number): string | undefined {
  if (!libc) return `${UNAVAILABLE}: stuck attempts wait for the supervisor's kill`;
  const us = Math.max(0, Math.ceil(ms * 1000));
  timer[2] = BigInt(Math.floor(us / 1e6));
  timer[3] = BigInt(us % 1e6); // all zero: disarmed
  return libc.setitimer(ITIMER_REAL, ptr(timer), null) === 0 ? undefined : "setitimer(ITIMER_REAL) failed";
}
