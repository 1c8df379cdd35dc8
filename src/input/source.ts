/**
 * Where input bytes come from: a file path or `-` for stdin. Errors about the source itself
 * (missing file, a directory, unreadable) are BuddyError("INPUT"), not problems, because there is
 * no line to point at.
 */
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { BuddyError } from "../core";

/** The name problems show for input read from stdin. */
export const STDIN_NAME = "<stdin>";

/**
 * Bun's ReadableStream is async-iterable, and leaving the iteration early cancels it, which is
 * what stopping after too many problems needs.
 */
export type ByteStream = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface OpenedSource {
  /** Name shown in problems: the path as given, or STDIN_NAME. */
  file: string;
  /** Directory that `script` paths are relative to. */
  baseDir: string;
  chunks: AsyncIterable<Uint8Array>;
}

export interface SourceOptions {
  /** Bytes read when the source is `-`. @default Bun.stdin.stream() */
  stdin?: ByteStream;
  /** Directory `script` paths are relative to when reading stdin. @default process.cwd() */
  stdinBaseDir?: string;
  /**
   * The source's bytes, read once already (a spool of stdin or of a pipe): read these instead,
   * while problems still name the source and scripts resolve from `baseDir`.
   */
  spooled?: { chunks: ByteStream; baseDir: string };
  /**
   * Fed every byte as it is read, so the input's hash is of exactly the bytes ingested (a file
   * that changes between hashing and reading cannot be stored under the other version's hash).
   * An InputHash (hash.ts); only `update` is needed here, which keeps hash.ts out of this file's
   * imports (hash.ts reads trees, which open sources). @default none
   */
  hash?: ByteSink;
}

/** 64 KiB reads: few enough syscalls for a big file, small enough to never matter in memory. */
const READ_SIZE = 64 * 1024;

/**
 * Whether `source` names a stream whatever its descriptor is: `-`, `/dev/stdin`, `/dev/fd/N`
 * and `/proc/PID/fd/N` (other paths are streams when they are not regular files). Such a path may
 * lead to a regular file (`buddy run /dev/stdin < t.jsonl`), but its directory says nothing about
 * where scripts are, and reading it twice need not give the same bytes.
 */
export function isStreamPath(source: string): boolean {
  if (source === "-") return true;
  return /^\/dev\/(stdin|fd\/\d+)$|^\/proc\/[^/]+\/fd\/\d+$/.test(resolve(source));
}

/**
 * The real directory `script` paths of `source` resolve from (SPEC 2.1, 5): the directory of a
 * regular input file as it was named (symlinks in it resolved); for input that is a stream
 * (stdin, a pipe, process substitution, a device) the working directory, since the path of a
 * pipe says nothing about where its scripts are.
 */
export async function scriptBaseDir(source: string, isFile: boolean, stdinBaseDir?: string): Promise<string> {
  const dir = !isFile || isStreamPath(source) ? (stdinBaseDir ?? process.cwd()) : dirname(resolve(source));
  return realpath(dir).catch((cause: unknown) => {
    throw new BuddyError("INPUT", `script directory ${dir} ${fsReason(cause)}`, { cause });
  });
}

export async function openSource(source: string, options: SourceOptions = {}): Promise<OpenedSource> {
  const opened = await openBytes(source, options);
  return options.hash ? { ...opened, chunks: hashed(opened.chunks, options.hash) } : opened;
}

/** What reading a source feeds its bytes to. */
interface ByteSink {
  update(bytes: Uint8Array): void;
}

async function* hashed(chunks: AsyncIterable<Uint8Array>, hash: ByteSink): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}

/** How messages name a source: the path as given, or STDIN_NAME for `-`. */
export const sourceName = (source: string): string => (source === "-" ? STDIN_NAME : source);

/** An input path that cannot be read, said the same by `run` and `validate`. */
export const unreadableInput = (source: string, cause: unknown) => new BuddyError("INPUT", `input ${source} ${fsReason(cause)}`, { cause });

async function openBytes(source: string, options: SourceOptions): Promise<OpenedSource> {
  const file = sourceName(source);
  if (options.spooled) return { file, baseDir: options.spooled.baseDir, chunks: guarded(options.spooled.chunks, file) };
  if (source === "-") {
    const stream = options.stdin ?? Bun.stdin.stream();
    return { file, baseDir: await scriptBaseDir(source, false, options.stdinBaseDir), chunks: guarded(stream, file) };
  }
  const info = await stat(source).catch((cause: unknown) => {
    throw unreadableInput(source, cause);
  });
  if (info.isDirectory()) {
    // readTasks sends Phase 20 trees (SPEC 2.2) elsewhere; a directory here was given as a file.
    throw new BuddyError("INPUT", `input ${source} is a directory; expected a JSONL file`);
  }
  return {
    file,
    baseDir: await scriptBaseDir(source, info.isFile()),
    chunks: guarded(createReadStream(source, { highWaterMark: READ_SIZE }), source),
  };
}

/** Why a file could not be opened, in words a user reads in a problem or an error. */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "not found";
  if (code === "EISDIR") return "is a directory";
  if (code === "EACCES" || code === "EPERM") return "cannot be read (permission denied)";
  if (code === "ELOOP") return "cannot be read (a symlink where none may be)";
  if (code === "ENOTDIR") return "not found (a part of the path is not a directory)";
  return `cannot be read (${code ?? String(error)})`;
}

/** A read that fails half-way (EACCES, EIO, a broken pipe) is an input error, not a crash. */
async function* guarded(chunks: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new BuddyError("INPUT", `cannot read input ${file}: ${why}`, { cause });
  }
}
