/**
 * The executor process: the same binary started in executor mode by the pool. It runs the
 * attempts it is sent in the sandbox and answers each with its outcome. Attempts interleave
 * (SPEC 5): while one waits on a provider answer, others run, each on its own engine; guest code
 * runs one slice at a time on the one thread. It holds no run state, so the supervisor can kill
 * and replace it at any moment. Messages keep being read while attempts run, because an attempt
 * waiting on a provider call needs its answer.
 */
import { writeSync } from "node:fs";
import { STOP_SIGNALS } from "../core";
import { createSandbox, hasLargeNativeStack, nextTurn, type SandboxHost, type SandboxRequest } from "../sandbox";
import { canAlarm, dieWithSupervisor } from "./kernel";
import { Deadlines } from "./deadlines";
import { ThreadLedger } from "./thread";
import { killAfterMs, readLines, SUPERVISOR_PID_ENV, type FromExecutor, type ToExecutor } from "./protocol";

/**
 * Writes one message completely before returning. A buffered writer would keep what the pipe
 * did not take at once for the event loop to write later, and an attempt stuck in a native
 * built-in never lets the event loop run again: the supervisor would never learn that the
 * attempt started (so never kill it), nor get the outcome written just before it.
 */
function writeLine(line: string): void {
  const bytes = Buffer.from(`${line}\n`);
  for (let off = 0; off < bytes.length; ) {
    try {
      off += writeSync(1, bytes, off);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // the pipe is full: wait 1 ms
    }
  }
}

/**
 * Every call a task makes into the host leaves garbage behind (about 1.5 KB a call, in
 * quickjs-emscripten's handles), which the collector lets pile up: a task flooding console.warn
 * took an executor from 70 MB to 360 MB, and a run's tree past 1.4 GB. Past this size an
 * executor collects after each attempt, so its memory between attempts stays bounded whatever its
 * tasks did (at most twice what it really holds); a normal executor stays far below it, and the
 * check costs ~10 µs.
 */
const COLLECT_ABOVE_RSS_BYTES = 256 * 1024 ** 2;

export async function runExecutorChild(env: Record<string, string | undefined>): Promise<void> {
  const untied = dieWithSupervisor(Number(env[SUPERVISOR_PID_ENV]) || process.ppid);
  // Ctrl-C in a terminal (SIGHUP when it closes) signals the whole process group. The supervisor
  // decides when executors stop (it gives attempts in flight a grace period, then kills them),
  // so they ignore every stop signal; all but SIGALRM, the executor's own deadline (kernel.ts).
  for (const name of STOP_SIGNALS) if (name !== "SIGALRM") process.on(name, () => {});
  const sandbox = createSandbox({ largeStack: hasLargeNativeStack(env) });
  const send = (message: FromExecutor) => writeLine(JSON.stringify(message));
  const reported = new Set<string>();
  const report = (problem: string | undefined) => {
    if (problem === undefined || reported.has(problem)) return;
    reported.add(problem);
    send({ type: "fatal", message: problem });
  };
  report(untied);
  const queue: { id: number; request: SandboxRequest }[] = [];
  /** Per attempt, its calls not answered yet by seq: whom to answer, and a long answer's parts so far. */
  const waiting = new Map<number, Map<number, { resolve: (resultJson: string) => void; parts?: string[] }>>();
  const deliver = (id: number, seq: number, resultJson: string) => {
    const call = waiting.get(id)!.get(seq)!;
    waiting.get(id)!.delete(seq);
    call.resolve(resultJson);
  };
  let wake: (() => void) | undefined;
  let inputEnded = false;

  const deadlines = new Deadlines(report);
  const thread = new ThreadLedger(deadlines, send);
  const host = (id: number): SandboxHost => ({
    call: (provider, method, argsJson, seq) =>
      new Promise((resolve) => {
        waiting.get(id)?.set(seq, { resolve });
        send({ type: "provider_call", id, seq, provider, method, argsJson });
      }),
    onResume: (waitedFrom) => thread.resumed(id, waitedFrom),
    onWait: () => thread.waiting(id),
  });

  const reading = readLines(Bun.stdin.stream(), (line) => {
    const message = JSON.parse(line) as ToExecutor;
    switch (message.type) {
      case "attempt":
        queue.push({ id: message.id, request: message.request });
        break;
      case "provider_result": {
        const call = waiting.get(message.id)?.get(message.seq);
        if (call === undefined) break;
        // From here the attempt's own time stands still, also while a long answer's parts arrive.
        thread.answered(message.id, message.sentAt, message.resultJson === undefined);
        if (message.resultJson === undefined) call.parts = [];
        else deliver(message.id, message.seq, message.resultJson);
        break;
      }
      case "provider_part": {
        const call = waiting.get(message.id)?.get(message.seq);
        if (call?.parts === undefined) break;
        call.parts.push(message.text);
        if (!message.last) break;
        thread.arrived(message.id);
        deliver(message.id, message.seq, call.parts.join(""));
        break;
      }
      case "shutdown":
        inputEnded = true;
        break;
      default: {
        const unknown: never = message;
        send({ type: "fatal", message: `unknown message ${JSON.stringify(unknown)}` });
      }
    }
    wake?.();
  }).finally(() => {
    inputEnded = true;
    wake?.();
  });

  const running = new Set<Promise<void>>();
  let collectAbove = COLLECT_ABOVE_RSS_BYTES;
  for (;;) {
    const job = queue.shift();
    if (!job) {
      if (inputEnded) break;
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    // Engines (WASM modules) load asynchronously; once loaded for a memory cap this is instant.
    await sandbox.prepare(job.request.memoryMb);
    // With other attempts in flight, an attempt starts on a later turn of the event loop, so that
    // one an answer just resumed (or the one started before, reading its result) finishes its
    // slice of guest code first: an attempt's deadline runs from when it can run, not while
    // another holds the only thread.
    if (running.size > 0) await nextTurn();
    // The attempt's one start time: its deadline in the sandbox and its kill time here.
    const startedAt = performance.now();
    deadlines.add(job.id, startedAt + killAfterMs(job.request.timeoutMs));
    thread.started(job.id);
    waiting.set(job.id, new Map());
    send({ type: "started", id: job.id, at: Date.now(), alarm: canAlarm, alarmFor: deadlines.first });
    // From here the kernel ends this process at the attempt's deadline + KILL_GRACE_MS, even if
    // some attempt never lets this thread run again.
    deadlines.arm();
    const attempt = sandbox.run(job.request, host(job.id), startedAt).then((outcome) => {
      deadlines.remove(job.id);
      deadlines.arm();
      thread.ended(job.id);
      // Answers still on their way to it (calls it never awaited) are dropped when they come.
      waiting.delete(job.id);
      send({ type: "outcome", id: job.id, outcome, alarmFor: deadlines.first });
      if (process.memoryUsage.rss() > collectAbove) {
        Bun.gc(true);
        // Memory that is really held (many attempts in flight) is not collected again and again:
        // the next collection waits until the executor has doubled, so pauses stay rare.
        collectAbove = Math.max(COLLECT_ABOVE_RSS_BYTES, 2 * process.memoryUsage.rss());
      }
    });
    running.add(attempt);
    void attempt.finally(() => running.delete(attempt));
  }
  await Promise.all(running);
  await reading;
  sandbox.close();
}
