/**
 * writeOutDir: the `--out DIR` layout of SPEC 9.2. `outDirFiles` is the pure part (paths and
 * contents, in a fixed order); writing is a loop over it. Files are replaced, never appended,
 * so writing the same run twice gives the same tree.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ReportTask, RunReport } from "../types";
import { agentFiles } from "./agent-files";
import { clearOutDir } from "./layout";
import { runFiles } from "./run-files";
import type { OutFile } from "./types";
import { waveFiles } from "./wave-files";

export function outDirFiles(r: RunReport): OutFile[] {
  const tasksById = new Map<string, ReportTask>(r.tasks.map((t) => [t.task_id, t]));
  return [...r.waves.flatMap((w) => [...agentFiles(w, tasksById), ...waveFiles(w)]), ...runFiles(r)];
}

/**
 * Writes every file under `dir` (created as needed) after removing buddy's files of an earlier
 * write (layout.ts); returns the relative paths written.
 */
export async function writeOutDir(dir: string, r: RunReport): Promise<string[]> {
  const files = outDirFiles(r);
  await clearOutDir(dir);
  const dirs = new Set(files.map((f) => dirname(join(dir, f.path))));
  for (const d of dirs) await mkdir(d, { recursive: true });
  for (const f of files) await writeFile(join(dir, f.path), f.content);
  return files.map((f) => f.path);
}
