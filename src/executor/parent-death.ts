/**
 * An executor never outlives its supervisor (SPEC 5 "Where attempts run"). The kernel does the
 * killing: PR_SET_PDEATHSIG makes it send this process SIGKILL the moment its parent dies, by
 * SIGKILL too, and even while this process is stuck inside a native built-in where none of its
 * own JavaScript (a timer, an EOF handler on stdin) would ever run again. Set through bun:ffi,
 * which the compiled binary carries.
 *
 * The signal follows the parent *thread* that spawned us: the pool spawns from the supervisor's
 * main JavaScript thread, which lives as long as the process.
 */
import { dlopen, FFIType } from "bun:ffi";

const PR_SET_PDEATHSIG = 1;
const SIGKILL = 9;
/** glibc, then musl. */
const LIBC = ["libc.so.6", `libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`];

const symbols = {
  prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
  getppid: { args: [], returns: FFIType.i32 },
} as const;

function openLibc() {
  for (const name of LIBC) {
    try {
      return dlopen(name, symbols);
    } catch {}
  }
  return undefined;
}

/**
 * Ties this process's life to `supervisorPid`, its parent. Returns a problem to report when that
 * cannot be done (not Linux, no libc found), else undefined. If the supervisor already died
 * before the tie was made (we were re-parented), the kernel will never signal: exit now.
 */
export function dieWithSupervisor(supervisorPid: number): string | undefined {
  if (process.platform !== "linux") return undefined;
  const libc = openLibc();
  if (!libc) return "cannot load libc: this executor may outlive its supervisor";
  try {
    if (libc.symbols.prctl(PR_SET_PDEATHSIG, BigInt(SIGKILL), 0n, 0n, 0n) !== 0) {
      return "prctl(PR_SET_PDEATHSIG) failed: this executor may outlive its supervisor";
    }
    if (libc.symbols.getppid() !== supervisorPid) process.kill(process.pid, "SIGKILL");
    return undefined;
  } finally {
    libc.close();
  }
}
