/**
 * `script` files are read at ingest (SPEC 2.1) so a run never depends on files that may change or
 * vanish while it executes, and a missing script is reported with the other problems up front.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fsReason } from "./source";

export type ScriptRead = { ok: true; code: string } | { ok: false; message: string };

/** Reads `path` relative to `baseDir` (the input file's directory). */
export async function readScript(path: string, baseDir: string): Promise<ScriptRead> {
  const full = resolve(baseDir, path);
  try {
    return { ok: true, code: await readFile(full, "utf8") };
  } catch (error) {
    return { ok: false, message: `file ${fsReason(error)}: ${full}` };
  }
}
