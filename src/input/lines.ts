/**
 * Splits a byte stream into lines without ever holding more than one line (SPEC 2.3: a million-task
 * file is streamed). Splitting happens on bytes, not text, so the 1 MiB limit is exact and an
 * over-long line is dropped as soon as it passes the limit instead of being buffered whole.
 */

/** Longest accepted line, in bytes, line end excluded (SPEC 2.3). */
const MAX_LINE_BYTES = 1024 * 1024;

/**
 * A line longer than this stops reading (SPEC 2.3 skips a line over 1 MiB, but reading on to its
 * end could take forever): a source such as `/dev/zero` never ends its first line, and buddy
 * must neither hang nor fill a disk with it. The spool of a stream stops at the same byte.
 */
const MAX_RUNAWAY_LINE_BYTES = 64 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

export type RawLine =
  /** `text` is the decoded line; a leading BOM is dropped, a trailing CR is left to JSON.parse. */
  | { line: number; text: string }
  /** The line could not be read as text; `problem` says why. */
  | { line: number; problem: string }
  /** The line ran past MAX_RUNAWAY_LINE_BYTES: always the last item, reading has stopped. */
  | { line: number; stop: string };

const RUNAWAY_MESSAGE = "has a line longer than 64 MiB without a line end (a source that never ends?); reading stopped";

/**
 * For a stream copied before it is read (a spool): given each chunk in turn, how many of its bytes
 * to keep when a line runs away in it (through the byte splitLines stops at), else undefined.
 */
export function runawayCut(): (chunk: Uint8Array) => number | undefined {
  let open = 0;
  return (chunk) => {
    for (let start = 0; ; ) {
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf;
      open += end - start;
      if (open > MAX_RUNAWAY_LINE_BYTES) return end - (open - MAX_RUNAWAY_LINE_BYTES - 1);
      if (lf === -1) return undefined;
      open = 0;
      start = lf + 1;
    }
  };
}

/**
 * Yields every line of `chunks` with its 1-based number, including blank ones (the caller
 * decides what blank means) and a last line without a line end. Lines come in batches, one per
 * read, because an await per line costs more than parsing the line.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<RawLine[]> {
  // Not `stream: true`: each line is decoded on its own, so a BOM is dropped only where a line
  // starts with one (in practice the first), and `fatal` flags bytes that are not UTF-8.
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let parts: Uint8Array[] = [];
  let size = 0;
  let tooLong = false;
  let line = 0;

  const finish = (): RawLine => {
    line += 1;
    // When too long, `parts` is empty and `size` may be huge: nothing to join.
    const bytes = tooLong ? undefined : parts.length === 1 ? parts[0]! : concat(parts, size);
    // The limit excludes the line end, so one byte over it is fine when it is the CR of a CRLF.
    const over = bytes === undefined || (size > MAX_LINE_BYTES && bytes[bytes.length - 1] !== CR);
    parts = [];
    size = 0;
    tooLong = false;
    if (over) return { line, problem: "is longer than 1 MiB" };
    try {
      return { line, text: decoder.decode(bytes) };
    } catch {
      return { line, problem: "is not valid UTF-8 text" };
    }
  };

  for await (const chunk of chunks) {
    const batch: RawLine[] = [];
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf;
      size += end - start;
      if (size > MAX_RUNAWAY_LINE_BYTES) {
        batch.push({ line: line + 1, stop: RUNAWAY_MESSAGE });
        yield batch;
        return;
      }
      if (size > MAX_LINE_BYTES + 1) {
        tooLong = true;
        parts = [];
      } else if (end > start) {
        // A piece that ends the line is decoded within this read; one that does not is
        // kept across reads, so copy it in case the stream reuses its buffer (`new Uint8Array`
        // copies; `Buffer#slice` would not).
        const piece = chunk.subarray(start, end);
        parts.push(lf === -1 ? new Uint8Array(piece) : piece);
      }
      if (lf === -1) break;
      batch.push(finish());
      start = lf + 1;
    }
    if (batch.length > 0) yield batch;
  }
  if (size > 0 || tooLong) yield [finish()];
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
