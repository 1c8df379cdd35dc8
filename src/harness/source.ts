/**
 * The input as a file with a known hash. Stdin can be read only once, but the hash must be known
 * before the run row is written (`--run-id` compares it) and the tasks must stream: stdin is
 * spooled to a private temporary file first and streamed from there.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuddyError } from "../core";

export interface PreparedSource {
  /** What the user gave: a path, or "-". */
  source: string;
  /** Where to read it: the path itself, or the spool file of stdin. */
  path: string;
  isStdin: boolean;
  /** sha256 of the input bytes. */
  hash: string;
  dispose(): Promise<void>;
}

async function hashOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of stream) hasher.update(chunk);
  return hasher.digest("hex");
}

async function spool(stdin: ReadableStream<Uint8Array>): Promise<{ path: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "buddy-stdin-"));
  const path = join(dir, "stdin.jsonl");
  const writer = Bun.file(path).writer();
  for await (const chunk of stdin) writer.write(chunk);
  await writer.end();
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A directory (Phase 20 tree) is hashed by its file list and contents, in sorted order. */
async function hashDirectory(dir: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  const files = [...new Bun.Glob("**/*.jsonl").scanSync({ cwd: dir })].sort();
  for (const file of files) {
    hasher.update(`${file}\n`);
    hasher.update(await Bun.file(join(dir, file)).bytes());
  }
  return hasher.digest("hex");
}

export async function prepareSource(source: string, stdin?: ReadableStream<Uint8Array>): Promise<PreparedSource> {
  if (source === "-") {
    const spooled = await spool(stdin ?? Bun.stdin.stream());
    return { source, path: spooled.path, isStdin: true, hash: await hashOf(Bun.file(spooled.path).stream()), dispose: spooled.dispose };
  }
  const stat = await Bun.file(source).stat().catch(() => undefined);
  if (!stat) throw new BuddyError("INPUT", `${source}: no such file or directory`);
  const hash = stat.isDirectory() ? await hashDirectory(source) : await hashOf(Bun.file(source).stream());
  return { source, path: source, isStdin: false, hash, dispose: async () => {} };
}
