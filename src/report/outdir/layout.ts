/**
 * Which paths of an `--out` directory are buddy's (SPEC 9.2), so that writing a run there never
 * mixes with the files of another run: a directory holding anything is refused unless it holds
 * an earlier write of the same run or `--force` is given, and before writing, buddy removes its
 * own files of whatever run wrote them and leaves every other file alone.
 * test/cli/artifacts-check.test.ts checks that every path outDirFiles writes is listed here.
 */
import { lstat, readdir, rmdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { MAX_AGENTS } from "../../config";
import { MAX_WAVE } from "../../input/schema";

const RUN_FILES = new Set([
  "phase21_system_health.json",
  "phase21_execution_summary.json",
  "phase21_learning_signals.jsonl",
  "PHASE_21_AUTONOMOUS_EXECUTION.md",
  "report.html",
  "sandbox_violation_log.jsonl",
]);
/** The file whose `run_id` says which run wrote the directory. */
export const SUMMARY_FILE = "phase21_execution_summary.json";
const FEEDBACK_DIR = /^phase(16|18|20)$/;
const FEEDBACK_FILE = "phase21_feedback.jsonl";
/**
 * `<prefix>_<n>` exactly as buddy writes it: n in decimal without leading zeros, within the
 * range buddy can write (waves 1…MAX_WAVE, agents agent_0…agent_{MAX_AGENTS−1}).
 */
const numbered = (prefix: string, min: number, max: number) => ({
  test(name: string): boolean {
    const digits = name.startsWith(`${prefix}_`) ? name.slice(prefix.length + 1) : "";
    return /^(0|[1-9]\d*)$/.test(digits) && Number(digits) >= min && Number(digits) <= max;
  },
});
const WAVE_DIR = numbered("wave", 1, MAX_WAVE);
const WAVE_FILES = new Set(["system_health.json", "learning_signals.jsonl", "anomalies.jsonl", "coordination_plan.json"]);
const AGENT_DIR = numbered("agent", 0, MAX_AGENTS - 1);
const AGENT_FILES = new Set(["agent_assignments.jsonl", "executed_tasks.jsonl", "agent_metrics.jsonl", "agent_feedback.jsonl"]);

/** Whether `path` (relative, `/`-separated) is one buddy writes into an `--out` directory. */
export function isOutDirPath(path: string): boolean {
  const [a = "", b, c, ...rest] = path.split("/");
  if (rest.length > 0) return false;
  if (b === undefined) return RUN_FILES.has(a);
  if (c === undefined) return (WAVE_DIR.test(a) && WAVE_FILES.has(b)) || (FEEDBACK_DIR.test(a) && b === FEEDBACK_FILE);
  return WAVE_DIR.test(a) && AGENT_DIR.test(b) && AGENT_FILES.has(c);
}

/** Whether `path` (relative, `/`-separated) is one of the directories of buddy's layout. */
export const isOutDirDir = (path: string) => {
  const [a = "", b, ...rest] = path.split("/");
  if (rest.length > 0) return false;
  return b === undefined ? WAVE_DIR.test(a) || FEEDBACK_DIR.test(a) : WAVE_DIR.test(a) && AGENT_DIR.test(b);
};

/**
 * Removes buddy's files under `dir`, then the directories of buddy's layout that are left
 * empty. A symlink at one of buddy's paths is removed, not followed: the write that follows
 * must land in `dir`, not wherever the link points.
 */
export async function clearOutDir(dir: string, prefix = ""): Promise<void> {
  const entries = await readdir(join(dir, prefix)).catch(() => [] as string[]);
  for (const name of entries) {
    const rel = prefix === "" ? name : `${prefix}/${name}`;
    if (!isOutDirPath(rel) && !isOutDirDir(rel)) continue; // the user's: kept, never looked at
    const full = join(dir, rel);
    // An entry that vanished since readdir (another process at work there) is already cleared.
    const info = await lstat(full).catch(ifGone(undefined));
    if (!info) continue;
    if (info.isSymbolicLink() || !info.isDirectory()) {
      if (info.isSymbolicLink() || isOutDirPath(rel)) await unlink(full).catch(ifGone(undefined));
    } else if (isOutDirDir(rel)) {
      await clearOutDir(dir, rel);
      await rmdir(full).catch(() => {}); // not empty: it holds files of the user's
    }
  }
}

/** A `catch` handler for a file that is gone (ENOENT): `fallback`; any other error is rethrown. */
export const ifGone = <T>(fallback: T) => (error: unknown): T => {
  if ((error as NodeJS.ErrnoException).code === "ENOENT") return fallback;
  throw error;
};
