/**
 * One attempt's engine state: a fresh runtime and context on a cached module, with its limits,
 * the bridge, the bootstrap's primordials, its own guest functions and the provider calls in
 * flight. Everything that touches quickjs handles for an attempt lives here (and in calls.ts for
 * provider promises, own-code.ts for those functions), so handle hygiene can be checked in one place: each handle is owned by
 * `scope`, by `calls`, or disposed where it is created.
 */
import {
  Scope,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import type { AttemptLog } from "../attempt-log";
import { parseDescription, readOverflowMark, type ThrownDescription } from "../classify";
import { BOOTSTRAP_ARGS, BOOTSTRAP_FILENAME, bootstrapSource, Primordial } from "../guest/bootstrap";
import { HelperCall } from "../guest/helpers";
import { parseMessage, type ConsoleLevel } from "../guest/protocol";
import { isDeclaredCall, PROVIDERS_FILENAME, PROVIDERS_SOURCE, providersSpec } from "../guest/providers";
import { SerialiseRefusal } from "../guest/serialise";
import { wrapTask } from "../guest/wrapper";
import { taskFilename, type TaskSource } from "../frames";
import { JOB_BATCH, MiB, PROVIDER_ARGS_LIMIT, type SandboxSettings } from "../limits";
import { violationForImport } from "../policy";
import { NO_PROVIDERS_HOST } from "../provider-answer";
import type { SandboxHost, SandboxRequest } from "../types";
import { HostCalls } from "./calls";
import { LazyGlobals, type Built } from "./globals";
import { OwnCode } from "./own-code";
import { expectValue, readString, readText, stringLength } from "./handles";
import { unmark } from "./overflow-mark";
import { nextSuffix } from "./suffix";

/** Text the guest sees when it tries to load a module; ours, never host error text. */
const IMPORT_REFUSED = "module loading is not available in the sandbox";

export type DrainResult =
  | { type: "settled"; state: "fulfilled" | "rejected"; value: QuickJSHandle; owned: boolean }
  | { type: "timeout" }
  | { type: "stuck" };

/** What the guest serialiser made of a value (see guest/serialise.ts). */
export type Serialised =
  | { text: string }
  | { refused: "too-deep" | "too-large" | "nothing" }
  | { thrown: QuickJSHandle };

export class Session {
  /** The interrupt handler stops guest code once the host clock passes this. */
  deadline: number;
  /** Time the attempt was kept off its executor's thread by other attempts (SandboxHost.onResume). */
  heldOffMs = 0;
  /** An exception out of the engine during a bridge call, which could not be thrown there. */
  hostFault: unknown;
  readonly runtime: QuickJSRuntime;
  readonly context: QuickJSContext;
  private readonly scope = new Scope();
  private readonly primordials: QuickJSHandle;
  private readonly bridge: QuickJSHandle;
  private readonly globals: LazyGlobals;
  private readonly uses: readonly string[];
  private readonly calls: HostCalls;
  /** The random suffix of this attempt's wrapper names (guest/wrapper.ts). */
  private readonly suffix = nextSuffix();
  /**
   * The body returned, but handing its value to the task's promise failed: the value's `then`
   * could not be read (a revoked proxy, a throwing trap or getter). See guest/wrapper.ts.
   */
  resultRefused = false;
  /** The task's promise, once evaluation started it. */
  private taskPromise: QuickJSHandle | undefined;
  /** The sandbox's own guest functions, compiled on first use. */
  private readonly own: OwnCode;
  /** The task's code as evaluated: where its own frames are (sandbox/frames.ts). */
  source: TaskSource;

  /**
   * @param overflowToken the message the engine's own stack overflows carry in this attempt
   *   (overflow-mark.ts); it is read back as "stack overflow" wherever the host reads text.
   */
  constructor(
    module: QuickJSWASMModule,
    private readonly settings: SandboxSettings,
    request: SandboxRequest,
    /** When the attempt's deadline started (settings.now()). */
    started: number,
    private readonly log: AttemptLog,
    readonly overflowToken: string,
    private readonly host: SandboxHost = NO_PROVIDERS_HOST,
  ) {
    this.deadline = started + request.timeoutMs;
    this.uses = request.uses ?? [];
    this.source = { file: taskFilename(request.filename), headLength: 0, lines: 0 };
    const runtime = (this.runtime = module.newRuntime());
    // No setMemoryLimit: the WASM cap fails a single huge allocation just as fast (its growth is
    // refused at once), and only that failure is a fact the host can see; the runtime limit's
    // "out of memory" looks exactly like one the task throws itself (SPEC 5: codes come from
    // the engine's facts). It also took a 32-bit size, so 4096 MiB wrapped to 0.
    runtime.setMaxStackSize(settings.stackBytes);
    runtime.setInterruptHandler(() => settings.now() > this.deadline);
    runtime.setModuleLoader((name) => {
      log.recordImport(violationForImport(name));
      return { error: new Error(IMPORT_REFUSED) };
    });
    const ctx = (this.context = runtime.newContext());
    const manage = this.scope.manage;
    // Answers are copied into the module; like the input, they must fit well under its cap (2.3).
    this.calls = new HostCalls(ctx, host, (Math.max(1, request.memoryMb) * MiB) / 4);
    const bridge = (this.bridge = manage(ctx.newFunction("bridge", (message, ...args) => this.onBridge(message, args))));
    const boot = manage(expectValue(ctx.evalCode(bootstrapSource(this.suffix), BOOTSTRAP_FILENAME, { type: "global" })));
    const lists = this.uses.length > 0 ? BOOTSTRAP_ARGS.withProviders : BOOTSTRAP_ARGS.withoutProviders;
    const bootArgs = [bridge, ...lists.map((text) => manage(ctx.newString(text)))];
    this.primordials = manage(expectValue(ctx.callFunction(boot, ctx.undefined, bootArgs)));
    this.own = new OwnCode(ctx, this.primordials, settings.maxNesting, manage);
    this.globals = new LazyGlobals(ctx, {
      primordials: this.primordials,
      inputJson: manage(ctx.newString(request.inputJson)),
      taskJson: manage(ctx.newString(JSON.stringify(request.task))),
      seed: request.randomSeed >>> 0,
      console: (level, args) => this.console(level, args),
      providers: () => this.makeProviders(),
    });
  }

  /** Handles a bridge message; never throws into the guest (that would forward host text). */
  private onBridge(messageHandle: QuickJSHandle, args: QuickJSHandle[]): Built | undefined {
    try {
      if (this.context.typeof(messageHandle) !== "string") return undefined;
      const message = parseMessage(this.context.getString(messageHandle));
      if (message === undefined) return undefined;
      switch (message.t) {
        case "touch":
          this.log.touch(message.name);
          return undefined;
        case "lazy":
          return this.globals.build(message.name);
        case "lazy-set":
          this.globals.assign(message.name, args[0] ?? this.context.undefined);
          return undefined;
        case "returned":
          this.checkReturned();
          return undefined;
        case "call":
          return this.startCall(message.p, message.m, args[0]);
        default:
          return message satisfies never;
      }
    } catch (error) {
      this.hostFault ??= error;
      return undefined;
    }
  }

  /**
   * Runs in the first job after the body returned: a rejection already here came from resolving
   * the task's promise with the returned value, not from anything the task threw or awaited.
   */
  private checkReturned(): void {
    if (this.taskPromise === undefined) return;
    const state = this.context.getPromiseState(this.taskPromise);
    if (state.type === "rejected") {
      this.resultRefused = true;
      state.error.dispose();
    } else if (state.type === "fulfilled") {
      state.value.dispose();
    }
  }

  /**
   * The body may have returned while the task started: no job has run yet, so the promise's state
   * now is what the marker's job would report. From now on the marker reports by itself.
   */
  private checkSynchronousReturn(): void {
    const ctx = this.context;
    const flags = ctx.getProp(this.primordials, Primordial.returnFlag);
    const flag = ctx.getProp(flags, "r");
    if (ctx.typeof(flag) === "number") this.checkReturned();
    ctx.setProp(flags, "s", ctx.false);
    flag.dispose();
    flags.dispose();
  }

  /**
   * A provider method's call (guest/providers.ts): its promise, or undefined for a call no method
   * of this task's `providers` can make, which the guest then fails as unreadable.
   */
  private startCall(provider: string, method: string, argsHandle: QuickJSHandle | undefined): QuickJSHandle | undefined {
    if (argsHandle === undefined || !isDeclaredCall(this.uses, provider, method)) return undefined;
    const args = readString(this.context, argsHandle, PROVIDER_ARGS_LIMIT);
    return "text" in args ? this.calls.start(provider, method, args.text) : undefined;
  }

  /** The `providers` object, built from the primordials, the bridge and the strict serialiser. */
  private makeProviders(): { value: QuickJSHandle } | { error: QuickJSHandle } {
    const ctx = this.context;
    const serialiser = this.own.serialiserFunction();
    if (serialiser === null) return { error: ctx.newError("providers are unavailable") };
    const factory = ctx.evalCode(PROVIDERS_SOURCE, PROVIDERS_FILENAME, { type: "global" });
    if (factory.error) return { error: factory.error };
    const spec = ctx.newString(providersSpec(this.uses));
    const built = ctx.callFunction(factory.value, ctx.undefined, [this.primordials, this.bridge, serialiser, spec]);
    spec.dispose();
    factory.value.dispose();
    return built.error ? { error: built.error } : { value: built.value };
  }

  /** Formats a console call's arguments inside the guest and records the line. */
  private console(level: ConsoleLevel, args: QuickJSHandle[]): void {
    try {
      const room = this.log.consoleRoom();
      if (room <= 0) return this.log.dropConsole();
      const budget = this.context.newNumber(room);
      const line = this.own.callHelper(HelperCall.format, [budget, ...args]);
      budget.dispose();
      // A call stopped by the deadline or by memory logs nothing; the attempt ends soon anyway.
      if ("text" in line) this.log.addConsole(level, unmark(JSON.parse(line.text) as string, this.overflowToken));
      else if ("thrown" in line) line.thrown.dispose();
    } catch (error) {
      this.hostFault ??= error;
    }
  }

  /**
   * A guest string primitive, exactly. `getString` decodes the engine's UTF-8 as a C string: a
   * lone surrogate becomes U+FFFD, and U+0000 ends the text early. When the text has a U+FFFD or
   * is shorter than the guest says, the string is read again as JSON text from
   * the captured JSON.stringify (which escapes lone surrogates and, for a primitive, runs no task
   * code). That copy can fail only by memory or the deadline, when the attempt fails anyway.
   */
  exactString(value: QuickJSHandle): string {
    const ctx = this.context;
    const text = ctx.getString(value);
    if (text.length === stringLength(ctx, value) && !text.includes("\uFFFD")) return text;
    const stringify = ctx.getProp(this.primordials, Primordial.stringify);
    const json = readText(ctx, ctx.callFunction(stringify, ctx.undefined, value));
    stringify.dispose();
    if ("thrown" in json) json.thrown.dispose();
    return "text" in json ? (JSON.parse(json.text) as string) : text;
  }

  /** Describes a thrown value inside the guest; undefined if even that failed. */
  describe(thrown: QuickJSHandle): ThrownDescription | undefined {
    const result = this.own.callHelper(HelperCall.describe, [thrown]);
    if ("text" in result) return readOverflowMark(parseDescription(result.text), this.overflowToken);
    if ("thrown" in result) result.thrown.dispose();
    return undefined;
  }

  /** A task value as JSON text, through the guest serialiser (depth and size bounded). */
  serialise(value: QuickJSHandle, maxChars: number): Serialised {
    const ctx = this.context;
    const serialiser = this.own.serialiserFunction();
    if (serialiser === null) return { refused: "nothing" };
    const limit = ctx.newNumber(maxChars);
    const result = ctx.callFunction(serialiser, ctx.undefined, value, limit);
    limit.dispose();
    if (result.error) return { thrown: result.error };
    const answer = result.value;
    try {
      if (ctx.typeof(answer) === "number") {
        return { refused: ctx.getNumber(answer) === SerialiseRefusal.tooDeep ? "too-deep" : "too-large" };
      }
      const text = readString(ctx, answer, maxChars);
      return "text" in text ? text : { refused: text.other === "too-long" ? "too-large" : "nothing" };
    } finally {
      answer.dispose();
    }
  }

  /**
   * Evaluates the wrapped task as a global script and starts it: its promise, or the compile
   * error (or an uncatchable interrupt out of its synchronous start).
   */
  evalTask(code: string): { promise: QuickJSHandle } | { error: QuickJSHandle } {
    const { source, headLength } = wrapTask(code, this.suffix);
    this.source = { file: this.source.file, headLength, lines: lineCount(code) };
    const started = this.context.evalCode(source, this.source.file, { type: "global" });
    if (started.error) return { error: started.error };
    this.taskPromise = this.scope.manage(started.value);
    this.checkSynchronousReturn();
    return { promise: this.taskPromise };
  }

  /**
   * Runs the attempt to its end (SPEC 5, "When an attempt is finished"): until the task's promise
   * has settled *and* nothing is left to run or wait for (no job queued, no provider call in
   * flight), or the host clock passes the deadline. Work the task left behind (a job still
   * spinning after `return`, a job that schedules jobs, a call never awaited) runs inside the
   * same deadline, and a queue not empty at the deadline is TIMEOUT whatever the task returned.
   * Jobs run in bounded batches: interrupts inside jobs turn into ordinary rejections and
   * `executePendingJobs` reports success (sandbox-notes 2.2), so only the clock check between
   * batches decides TIMEOUT. With no job left but calls in flight, it waits for the first answer
   * or the deadline (waiting on providers is the attempt's time), delivers what arrived, and runs
   * jobs again. A pending promise with nothing left that could settle it is `stuck`. When it
   * returns, the attempt's calls are closed.
   */
  async drain(promise: QuickJSHandle): Promise<DrainResult> {
    try {
      return await this.drainLoop(promise);
    } finally {
      this.calls.close();
    }
  }

  private async drainLoop(promise: QuickJSHandle): Promise<DrainResult> {
    let settled = false;
    for (;;) {
      if (!settled) settled = this.isSettled(promise);
      const now = this.settings.now();
      if (now > this.deadline) return { type: "timeout" };
      if (this.calls.hasArrived) {
        this.calls.deliver();
      } else if (this.runtime.hasPendingJob()) {
        this.runtime.executePendingJobs(JOB_BATCH).dispose();
      } else if (this.calls.outstanding) {
        this.host.onWait?.();
        await this.calls.wait(this.deadline - now);
        const heldOff = this.host.onResume?.(now) ?? 0;
        this.deadline += heldOff;
        this.heldOffMs += heldOff;
      } else if (settled) {
        break;
      } else {
        return { type: "stuck" };
      }
    }
    const state = this.context.getPromiseState(promise);
    if (state.type === "fulfilled") {
      return { type: "settled", state: "fulfilled", value: state.value, owned: state.notAPromise !== true };
    }
    if (state.type === "rejected") return { type: "settled", state: "rejected", value: state.error, owned: true };
    return { type: "stuck" };
  }

  private isSettled(promise: QuickJSHandle): boolean {
    const state = this.context.getPromiseState(promise);
    if (state.type === "pending") return false;
    if (state.type === "rejected") state.error.dispose();
    else if (state.notAPromise !== true) state.value.dispose();
    return true;
  }

  /**
   * Runs the jobs that reading the result or the error queued (a getter, `toJSON` or a trap may
   * schedule work) until none is left: false if the deadline passed first. Provider calls are
   * closed by then, so nothing is waited for.
   */
  finishJobs(): boolean {
    while (this.runtime.hasPendingJob()) {
      if (this.settings.now() > this.deadline) return false;
      this.runtime.executePendingJobs(JOB_BATCH).dispose();
    }
    // A job that ran into the deadline was interrupted, not finished.
    return this.settings.now() <= this.deadline;
  }

  /** Disposes handles, context and runtime in reverse order; throws if any dispose throws. */
  dispose(): void {
    this.calls.close();
    this.scope.dispose();
    this.context.dispose();
    this.runtime.dispose();
  }
}

/** Lines of `code` as the engine counts them (a line terminator in a string literal aside). */
function lineCount(code: string): number {
  let lines = 1;
  for (let i = code.indexOf("\n"); i !== -1; i = code.indexOf("\n", i + 1)) lines++;
  return lines;
}
