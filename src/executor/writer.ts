/**
 * What the supervisor writes to one executor, in two lanes (SPEC 5: deadlines are per attempt).
 * An executor counts an answered attempt's wait for the thread from the moment it reads that an
 * answer was sent; until then the attempt's kill time counts. Answers of several MB queued in one
 * pipe kept the news of the later ones behind the earlier ones' bytes, which the executor reads
 * a pipe-full per turn while answered attempts compute: measured with 5 answers of 8 MB, each
 * attempt using ~400 ms of its 1,000 ms, the executor was ended for one in 3 of 6 trials. So an
 * answer past ANSWER_INLINE_CHARS is sent as a short `provider_result` in the urgent lane, its
 * text as parts of PART_CHARS in the bulk lane; a lane's next line is written once the pipe took
 * the last one, so a short line waits behind one part at most, never behind whole answers.
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

export class ExecutorWriter {
  private readonly urgent: string[] = [];
  private readonly bulk: string[] = [];
  /** The pipe has not taken the last line yet. */
  private waiting = false;
  private ending = false;
  /** Writing failed: the executor is gone, its exit decides, nothing more is written. */
  private dead = false;

  constructor(private readonly sink: Sink) {}

  /** Attempts and the shutdown, in the order sent. */
  send(message: ToExecutor): void {
    this.push(this.bulk, message);
  }

  /** The answer to a provider call of attempt `id`; `sentAt` is this process's Date.now(). */
  answer(id: number, seq: number, resultJson: string, sentAt: number): void {
    if (resultJson.length <= ANSWER_INLINE_CHARS) {
      this.push(this.urgent, { type: "provider_result", id, seq, sentAt, resultJson });
      return;
    }
    this.push(this.urgent, { type: "provider_result", id, seq, sentAt });
    for (let at = 0; at < resultJson.length; at += PART_CHARS) {
      const last = at + PART_CHARS >= resultJson.length;
      this.push(this.bulk, { type: "provider_part", id, seq, text: resultJson.slice(at, at + PART_CHARS), last });
    }
  }

  /** Ends the executor's input once everything sent has been written. */
  end(): void {
    this.ending = true;
    this.pump();
  }

  private push(lane: string[], message: ToExecutor): void {
    if (this.dead) return;
    lane.push(`${JSON.stringify(message)}\n`);
    this.pump();
  }

  private pump(): void {
    while (!this.waiting && !this.dead) {
      const line = this.urgent.shift() ?? this.bulk.shift();
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
