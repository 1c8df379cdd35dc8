/**
 * What the supervisor writes to one executor, in two lanes (SPEC 5: deadlines are per attempt).
 * An executor counts an answered attempt's wait for the thread from the moment it reads that an
 * answer was sent; until then the attempt's kill time counts. Answers of several MB queued in one
 * pipe kept the news of the later ones behind the earlier ones' bytes, which the executor reads
 * a pipe-full per turn while answered attempts compute: measured with 5 answers of 8 MB, each
 * attempt using ~400 ms of its 1,000 ms, the executor was ended for one in 3 of 6 trials. So an
 * answer past ANSWER_INLINE_CHARS is sent as a short `provider_result` in the urgent lane, its
 * text as parts of PART_CHARS in the bulk lane, each cut when it goes out (the text is held once,
 * not once more as lines); a lane's next line is written once the pipe took the last one, so a
 * short line waits behind one part at most, never behind whole answers.
 */
import type { ToExecutor } from "./protocol";

/** An answer at most this long travels whole in the urgent lane (nearly all of them). */
const ANSWER_INLINE_CHARS = 1024;
/** The text of a longer answer goes in parts of this size, a pipe-full each. */
const PART_CHARS = 64 * 1024;

interface Sink {
  write(chunk: string): number | Promise<number>;
  flush(): number | Promise<number>;
  end(): number | Promise<number>;
}

/** What waits in the bulk lane: a line, or a long answer whose parts are cut as they go out. */
type Bulk = { line: string; id?: undefined } | { id: number; seq: number; text: string; at: number };

export class ExecutorWriter {
  private readonly urgent: string[] = [];
  private readonly bulk: Bulk[] = [];
  /** The pipe has not taken the last line yet. */
  private waiting = false;
  private ending = false;
  /** Writing failed: the executor is gone, its exit decides, nothing more is written. */
  private dead = false;

  constructor(private readonly sink: Sink) {}

  /** Attempts and the shutdown, in the order sent. */
  send(message: ToExecutor): void {
    if (this.dead) return;
    this.bulk.push({ line: lineOf(message) });
    this.pump();
  }

  /** The answer to a provider call of attempt `id`; `sentAt` is this process's Date.now(). */
  answer(id: number, seq: number, resultJson: string, sentAt: number): void {
    if (this.dead) return;
    const inline = resultJson.length <= ANSWER_INLINE_CHARS;
    this.urgent.push(lineOf(inline ? { type: "provider_result", id, seq, sentAt, resultJson } : { type: "provider_result", id, seq, sentAt }));
    if (!inline) this.bulk.push({ id, seq, text: resultJson, at: 0 });
    this.pump();
  }

  /**
   * Attempt `id` ended (or left its executor): the rest of its long answers is not written. The
   * executor would drop it, and 32 answers of 16 MB for an attempt that has ended held up the
   * next attempts' start by seconds.
   */
  forget(id: number): void {
    for (let i = this.bulk.length - 1; i >= 0; i--) if (this.bulk[i]!.id === id) this.bulk.splice(i, 1);
  }

  /** Ends the executor's input once everything sent has been written. */
  end(): void {
    this.ending = true;
    this.pump();
  }

  /** The next line to write: the urgent lane first; a long answer's next part, cut now. */
  private next(): string | undefined {
    const line = this.urgent.shift();
    if (line !== undefined) return line;
    const head = this.bulk[0];
    if (head === undefined) return undefined;
    if (head.id === undefined) {
      this.bulk.shift();
      return head.line;
    }
    const { id, seq, text, at } = head;
    const last = at + PART_CHARS >= text.length;
    if (last) this.bulk.shift();
    else head.at += PART_CHARS;
    return lineOf({ type: "provider_part", id, seq, text: text.slice(at, at + PART_CHARS), last });
  }

  private pump(): void {
    while (!this.waiting && !this.dead) {
      const line = this.next();
      if (line === undefined) break;
      try {
        this.sink.write(line);
        const flushed = this.sink.flush();
        if (flushed instanceof Promise) {
          this.waiting = true;
          flushed.then(
            () => {
              this.waiting = false;
              this.pump();
            },
            () => this.fail(),
          );
        }
      } catch {
        this.fail();
      }
    }
    if (this.ending && !this.waiting && !this.dead && this.urgent.length + this.bulk.length === 0) {
      this.dead = true;
      try {
        const ended = this.sink.end();
        if (ended instanceof Promise) ended.catch(() => {});
      } catch {}
    }
  }

  /** Writing to an executor that just died fails with EPIPE: not an error of the run. */
  private fail(): void {
    this.dead = true;
    this.urgent.length = 0;
    this.bulk.length = 0;
  }
}

const lineOf = (message: ToExecutor) => `${JSON.stringify(message)}\n`;
