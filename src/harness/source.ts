/**
 * The input as bytes with a known hash, read before the store is opened (a blocked pipe must not
 * hold the store). A regular file or a Phase 20 tree is hashed in place and streamed again at
 * ingest; anything that can be read only once (stdin, a FIFO, process substitution, a device) is
 * spooled while it is hashed.
 *
 * The spool file is unlinked as soon as it is created and used through its descriptor only, so
 * a process killed at any point leaves no copy of the input behind. Only the instant between
 * creating and unlinking it leaves a trace: its directory carries the creator's pid, and the next
 * start removes any whose process is gone.
 */
import { closeSync, createReadStream, openSync, read, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuddyError } from "../core";
import { hashInput, InputHash, type ByteStream } from "../input";
import { runawayCut } from "../input/lines";
import { isStreamPath, scriptBaseDir, sourceName, unreadableInput } from "../input/source";

export interface PreparedSource {
  /** What the user gave: a path, or "-". */
  source: string;
  /** sha256 of the input (see input/hash.ts). */
  hash: string;
  /** For a source read once: its bytes again, and where its scripts resolve from. */
  spooled?: { chunks(): ByteStream; baseDir: string };
  dispose(): void;
}

const SPOOL_PREFIX = "buddy-stdin-";

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Removes spool directories whose process is gone; another user's are left to them. */
async function sweepStaleSpools(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = /^buddy-stdin-(\d+)-/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    await rm(join(dir, name), { recursive: true, force: true }).catch(() => {});
  }
}

/** Copies `bytes` into an unlinked file, hashing them on the way. */
async function spool(bytes: AsyncIterable<Uint8Array>, name: string): Promise<{ fd: number; hash: string }> {
  const root = tmpdir();
  await sweepStaleSpools(root);
  const dir = await mkdtemp(join(root, `${SPOOL_PREFIX}${process.pid}-`));
  const path = join(dir, "stdin.jsonl");
  const fd = openSync(path, "wx+", 0o600);
  unlinkSync(path);
  rmdirSync(dir);
  const hash = new InputHash();
  const cut = runawayCut();
  try {
    for await (const whole of bytes) {
      // A line that runs away (`/dev/zero`) ends the copy where reading the copy stops anyway.
      const keep = cut(whole);
      const chunk = keep === undefined ? whole : whole.subarray(0, keep);
      hash.update(chunk);
      for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off);
      if (keep !== undefined) break;
    }
  } catch (cause) {
    closeSync(fd);
    if (cause instanceof BuddyError) throw cause;
    throw new BuddyError("INPUT", `cannot read input ${name}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  return { fd, hash: hash.digest() };
}

/**
 * The spool's bytes from the start, by positional reads that never close `fd`: a reader that
 * stops early (validation refusing at the first bad script) must not close the descriptor a
 * second reading, or dispose(), still needs; closed twice, its number could by then be another
 * file's.
 */
async function* spoolChunks(fd: number): AsyncGenerator<Uint8Array> {
  for (let position = 0; ; ) {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    const bytes = await new Promise<number>((done, fail) => read(fd, buffer, 0, buffer.length, position, (error, n) => (error ? fail(error) : done(n))));
    if (bytes === 0) return;
    position += bytes;
    yield buffer.subarray(0, bytes);
  }
}

async function spooled(source: string, bytes: AsyncIterable<Uint8Array>): Promise<PreparedSource> {
  const baseDir = await scriptBaseDir(source, false);
  const { fd, hash } = await spool(bytes, sourceName(source));
  let open = true;
  return {
    source,
    hash,
    spooled: { baseDir, chunks: () => spoolChunks(fd) },
    dispose: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

export async function prepareSource(source: string, stdin?: ByteStream): Promise<PreparedSource> {
  if (source === "-") return spooled(source, stdin ?? Bun.stdin.stream());
  const info = await stat(source).catch((cause: unknown) => {
    throw unreadableInput(source, cause);
  });
  if (isStreamPath(source) || (!info.isFile() && !info.isDirectory())) return spooled(source, createReadStream(source, { highWaterMark: 64 * 1024 }));
  const hash = await hashInput(source).catch((cause: unknown) => {
    throw unreadableInput(source, cause);
  });
  return { source, hash, dispose: () => {} };
}
