/**
 * The layout of a Phase 20 output tree (SPEC 2.2): `DIR/wave_<w>/agent_<i>/` holding
 * `predicted_tasks.jsonl` and `predicted_schedule.jsonl`. Other entries (Phase 20's own feedback
 * files, reports) are ignored, as the original's readers ignored them.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { BuddyError } from "../../core";
import { FILE_FIELD, type Problem } from "../problems";
import { MAX_WAVE } from "../schema";
import { fsReason } from "../source";

/** Highest agent number read from a tree's `agent_<i>/` directories. */
const MAX_PHASE20_AGENT = 1_000_000;

export const PREDICTIONS_FILE = "predicted_tasks.jsonl";
export const SCHEDULE_FILE = "predicted_schedule.jsonl";

interface AgentDir {
  agent_id: string;
  dir: string;
}

export interface WaveDir {
  wave: number;
  dir: string;
  agents: AgentDir[];
}

/** Numbered subdirectories `<prefix>_<n>`, ascending by n; a repeated n is a problem. */
async function numbered(dir: string, prefix: string, problems: Problem[]): Promise<Array<{ n: number; name: string; path: string }>> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((cause: unknown) => {
    throw new BuddyError("INPUT", `input directory ${dir} ${fsReason(cause)}`, { cause });
  });
  const pattern = new RegExp(`^${prefix}_(\\d+)$`);
  const found = entries
    .filter((e) => e.isDirectory() && pattern.test(e.name))
    .map((e) => ({ n: Number(pattern.exec(e.name)![1]), name: e.name, path: join(dir, e.name) }))
    .sort((a, b) => a.n - b.n || (a.name < b.name ? -1 : 1));
  const seen = new Map<number, string>();
  return found.filter((d) => {
    const first = seen.get(d.n);
    if (first === undefined) return seen.set(d.n, d.name), true;
    problems.push({ file: d.path, field: FILE_FIELD, message: `is ${prefix} ${d.n} again (${first}/ came first)` });
    return false;
  });
}

export async function discoverTree(root: string): Promise<{ waves: WaveDir[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const waves: WaveDir[] = [];
  for (const w of await numbered(root, "wave", problems)) {
    if (w.n < 1 || w.n > MAX_WAVE) {
      problems.push({ file: w.path, field: FILE_FIELD, message: `waves are numbered from 1 to ${MAX_WAVE}` });
      continue;
    }
    const agents: AgentDir[] = [];
    for (const a of await numbered(w.path, "agent", problems)) {
      // A bound, so that an id is always `agent_` and digits (2^70 would print as 1.18e+21).
      if (a.n > MAX_PHASE20_AGENT) problems.push({ file: a.path, field: FILE_FIELD, message: `agents are numbered from 0 to ${MAX_PHASE20_AGENT}` });
      else agents.push({ agent_id: `agent_${a.n}`, dir: a.path });
    }
    if (agents.length === 0) {
      problems.push({ file: w.path, field: FILE_FIELD, message: "has no agent_<i> directories" });
      continue;
    }
    waves.push({ wave: w.n, dir: w.path, agents });
  }
  if (waves.length === 0 && problems.length === 0) {
    problems.push({
      file: root,
      field: FILE_FIELD,
      message: `contains no Phase 20 waves (expected wave_<w>/agent_<i>/${PREDICTIONS_FILE})`,
    });
  }
  return { waves, problems };
}
