/**
 * The input hash (sha256), so that reusing a run id can check the run gets the same input. It is
 * defined here once: of a JSONL source, its bytes; of a Phase 20 tree, the files buddy reads from
 * it (relative path and bytes, in reading order), so unrelated files beside them do not change
 * it. Reading the input (readTasks' `hash` option), spooling a stream and `hashInput` all feed
 * an InputHash, so the hash taken before the store opens and the one of the bytes ingested are
 * computed by the same rule.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { discoverTree, PREDICTIONS_FILE, SCHEDULE_FILE } from "./phase20/tree";

export class InputHash {
  readonly #hasher = new Bun.CryptoHasher("sha256");

  /** Bytes of the source, in the order they are read. */
  update(bytes: Uint8Array): void {
    this.#hasher.update(bytes);
  }

  /**
   * A Phase 20 tree's `file` is read next. Its path is part of the hash: moving a file to another
   * agent changes the tasks.
   */
  treeFile(root: string, file: string): void {
    this.#hasher.update(`\u0000${relative(root, file)}\u0000`);
  }

  /** Hex digest; the hash takes no more bytes after it. */
  digest(): string {
    return this.#hasher.digest("hex");
  }
}

async function hashFile(hash: InputHash, path: string): Promise<void> {
  // node's stream, not Bun.file: Bun.file cannot read /dev/null or other non-pollable files.
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) hash.update(chunk as Uint8Array);
}

/**
 * Hex input hash of a JSONL file or a Phase 20 tree, without parsing it: the digest readTasks
 * gives for the same bytes. A tree's files are taken in the order readPhase20Tree reads them.
 */
export async function hashInput(path: string): Promise<string> {
  const hash = new InputHash();
  if (!(await stat(path)).isDirectory()) {
    await hashFile(hash, path);
    return hash.digest();
  }
  const { waves } = await discoverTree(path);
  for (const wave of waves) {
    for (const agent of wave.agents) {
      for (const name of [PREDICTIONS_FILE, SCHEDULE_FILE]) {
        const file = join(agent.dir, name);
        if (!(await Bun.file(file).exists())) continue;
        hash.treeFile(path, file);
        await hashFile(hash, file);
      }
    }
  }
  return hash.digest();
}
