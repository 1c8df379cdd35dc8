/**
 * sha256 of an input, so that reusing a run id can check the run gets the same input. A Phase 20
 * tree hashes the files buddy reads from it (relative path and bytes, in a fixed order), so
 * unrelated files beside them do not change the hash.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { discoverTree, PREDICTIONS_FILE, SCHEDULE_FILE } from "./phase20/tree";

async function hashInto(hasher: Bun.CryptoHasher, path: string): Promise<void> {
  // node's stream, not Bun.file: Bun.file cannot read /dev/null or other non-pollable files.
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) hasher.update(chunk as Uint8Array);
}

/** Hex sha256 of a JSONL file's bytes, or of a Phase 20 tree's input files. */
export async function hashInput(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  if (!(await stat(path)).isDirectory()) {
    await hashInto(hasher, path);
    return hasher.digest("hex");
  }
  const { waves } = await discoverTree(path);
  for (const wave of waves) {
    for (const agent of wave.agents) {
      for (const name of [PREDICTIONS_FILE, SCHEDULE_FILE]) {
        const file = join(agent.dir, name);
        if (!(await Bun.file(file).exists())) continue;
        // The path is part of the hash: moving a file to another agent changes the tasks.
        hasher.update(`\u0000${relative(path, file)}\u0000`);
        await hashInto(hasher, file);
      }
    }
  }
  return hasher.digest("hex");
}
