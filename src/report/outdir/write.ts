/**
 * writeOutDir: the `--out DIR` layout of SPEC 9.2. `outDirFiles` is the pure part (paths and
 * contents, in a fixed order); writing is a loop over it. Files are replaced, never appended,
 * so writing the same run twice gives the same tree.
 */
import { mkdir, realpath } from "node:fs/promises";
import { join } from "node:path";
import type { RunReport } from "../types";
import { agentFiles } from "./agent-files";
import { clearOutDir } from "./layout";
import { realDirectory, writeNewFile } from "./nofollow";
import { runFiles } from "./run-files";
import type { OutFile } from "./types";
import { waveFiles } from "./wave-files";

export function outDirFiles(r: RunReport): OutFile[] {
  return [...r.waves.flatMap((w) => [...agentFiles(w), ...waveFiles(w)]), ...runFiles(r)];
}

/**
 * Writes every file under `dir` after removing buddy's files of an earlier write (layout.ts);
 * returns the relative paths written. `dir` is created if missing (its parent must exist) and
 * resolved once; below it nothing is followed (nofollow.ts): a symlink or file planted at one of
 * buddy's paths after the clear makes the write fail, naming the path.
 */
export async function writeOutDir(dir: string, r: RunReport): Promise<string[]> {
  const files = outDirFiles(r);
  await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  const root = await realpath(dir);
  await clearOutDir(root);
  const made = new Set<string>();
  for (const f of files) {
    let at = root;
    for (const part of f.path.split("/").slice(0, -1)) {
      at = join(at, part);
      if (!made.has(at)) realDirectory(at);
      made.add(at);
    }
    writeNewFile(join(root, f.path), f.content);
  }
  return files.map((f) => f.path);
}
