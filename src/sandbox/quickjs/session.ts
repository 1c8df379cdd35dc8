/**
 * One attempt's engine state: a fresh runtime and context on a cached module, with its limits,
 * the bridge, the bootstrap's primordials and the lazily built helpers. Everything that touches
 * quickjs handles for an attempt lives here, so handle hygiene can be checked in one file: each
 * handle is owned by `scope` or disposed where it is created.
 */
import {
  Scope,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import type { AttemptLog } from "../attempt-log";
import { parseDescription, type ThrownDescription } from "../classify";
import { bootstrapArgs, BOOTSTRAP_FILENAME, BOOTSTRAP_SOURCE, Primordial } from "../guest/bootstrap";
import { HELPERS_FILENAME, HELPERS_SOURCE, HelperCall } from "../guest/helpers";
import { parseMessage, type ConsoleLevel } from "../guest/protocol";
import { JOB_BATCH, MiB, type SandboxSettings } from "../limits";
import { violationForImport } from "../policy";
import type { SandboxRequest } from "../types";
import { LazyGlobals, type Built } from "./globals";
import { expectValue, readText, type CallResult } from "./handles";

/** Neutral file name for task code: no host path ever appears in guest stacks (SPEC 5). */
const TASK_FILENAME = "task.js";
/** Text the guest sees when it tries to load a module; ours, never host error text. */
const IMPORT_REFUSED = "module loading is not available in the sandbox";

export type DrainResult =
  | { type: "settled"; state: "fulfilled" | "rejected"; value: QuickJSHandle; owned: boolean }
  | { type: "timeout" }
  | { type: "stuck" };

/** The task body wrapped as an async function and called; the prefix shares line 1 with it. */
export const wrapTask = (code: string): string => `(async function () {${code}\n})()`;

export class Session {
  /** The interrupt handler stops guest code once the host clock passes this. */
  deadline: number;
  /** An exception out of the engine during a bridge call, which could not be thrown there. */
  hostFault: unknown;
  readonly runtime: QuickJSRuntime;
  readonly context: QuickJSContext;
  private readonly scope = new Scope();
  private readonly primordials: QuickJSHandle;
  private readonly globals: LazyGlobals;
  /** Built on first use; null when building failed (e.g. the deadline had already passed). */
  private helper: QuickJSHandle | null | undefined;

  constructor(
    module: QuickJSWASMModule,
    private readonly settings: SandboxSettings,
    request: SandboxRequest,
    private readonly log: AttemptLog,
  ) {
    this.deadline = settings.now() + request.timeoutMs;
    const runtime = (this.runtime = module.newRuntime());
    runtime.setMemoryLimit(Math.max(1, request.memoryMb) * MiB);
    runtime.setMaxStackSize(settings.stackBytes);
    runtime.setInterruptHandler(() => settings.now() > this.deadline);
    runtime.setModuleLoader((name) => {
      log.record(violationForImport(name));
      return { error: new Error(IMPORT_REFUSED) };
    });
    const ctx = (this.context = runtime.newContext());
    const manage = this.scope.manage;
    const bridge = manage(ctx.newFunction("bridge", (message, ...args) => this.onBridge(message, args)));
    const boot = manage(expectValue(ctx.evalCode(BOOTSTRAP_SOURCE, BOOTSTRAP_FILENAME, { type: "global" })));
    const bootArgs = [bridge, ...bootstrapArgs(request.code).map((text) => manage(ctx.newString(text)))];
    this.primordials = manage(expectValue(ctx.callFunction(boot, ctx.undefined, bootArgs)));
    this.globals = new LazyGlobals(ctx, {
      primordials: this.primordials,
      inputJson: manage(ctx.newString(request.inputJson)),
      taskJson: manage(ctx.newString(JSON.stringify(request.task))),
      seed: request.randomSeed >>> 0,
      console: (level, args) => this.console(level, args),
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
        default:
          return message satisfies never;
      }
    } catch (error) {
      this.hostFault ??= error;
      return undefined;
    }
  }

  /** Formats a console call's arguments inside the guest and records the line. */
  private console(level: ConsoleLevel, args: QuickJSHandle[]): void {
    try {
      const room = this.log.consoleRoom();
      if (room <= 0) return this.log.dropConsole();
      const budget = this.context.newNumber(room);
      const line = this.callHelper(HelperCall.format, [budget, ...args]);
      budget.dispose();
      // A call stopped by the deadline or by memory logs nothing; the attempt ends soon anyway.
      if ("text" in line) this.log.addConsole(level, line.text);
      else if ("thrown" in line) line.thrown.dispose();
    } catch (error) {
      this.hostFault ??= error;
    }
  }

  /** Calls the helper (built on first use). */
  private callHelper(kind: number, args: QuickJSHandle[]): CallResult {
    const ctx = this.context;
    const helper = this.helpers();
    if (helper === null) return { other: "not-a-string" };
    const kindHandle = ctx.newNumber(kind);
    const result = ctx.callFunction(helper, ctx.undefined, [kindHandle, ...args]);
    kindHandle.dispose();
    return readText(ctx, result);
  }

  private helpers(): QuickJSHandle | null {
    if (this.helper !== undefined) return this.helper;
    const ctx = this.context;
    this.helper = null;
    const factory = ctx.evalCode(HELPERS_SOURCE, HELPERS_FILENAME, { type: "global" });
    if (factory.error) {
      factory.error.dispose();
      return null;
    }
    const built = ctx.callFunction(factory.value, ctx.undefined, this.primordials);
    factory.value.dispose();
    if (built.error) built.error.dispose();
    else this.helper = this.scope.manage(built.value);
    return this.helper;
  }

  /** Describes a thrown value inside the guest; undefined if even that failed. */
  describe(thrown: QuickJSHandle): ThrownDescription | undefined {
    const result = this.callHelper(HelperCall.describe, [thrown]);
    if ("text" in result) return parseDescription(result.text);
    if ("thrown" in result) result.thrown.dispose();
    return undefined;
  }

  /** JSON.stringify as captured before the task ran, called on a task value. */
  stringify(value: QuickJSHandle, maxChars: number): CallResult {
    const ctx = this.context;
    const stringify = ctx.getProp(this.primordials, Primordial.stringify);
    const result = ctx.callFunction(stringify, ctx.undefined, value);
    stringify.dispose();
    return readText(ctx, result, maxChars);
  }

  /** Evaluates the wrapped task as a global script: its promise, or the compile error. */
  evalTask(code: string): { promise: QuickJSHandle } | { error: QuickJSHandle } {
    const result = this.context.evalCode(wrapTask(code), TASK_FILENAME, { type: "global" });
    if (result.error) return { error: result.error };
    return { promise: this.scope.manage(result.value) };
  }

  /**
   * Runs promise jobs in bounded batches until the task's promise settles, nothing is left to
   * run, or the host clock passes the deadline. Interrupts inside jobs turn into ordinary
   * rejections and `executePendingJobs` reports success (sandbox-notes 2.2), so only the clock
   * check between batches decides TIMEOUT.
   */
  drain(promise: QuickJSHandle): DrainResult {
    for (;;) {
      const state = this.context.getPromiseState(promise);
      if (state.type === "fulfilled") {
        return { type: "settled", state: "fulfilled", value: state.value, owned: state.notAPromise !== true };
      }
      if (state.type === "rejected") return { type: "settled", state: "rejected", value: state.error, owned: true };
      if (this.settings.now() > this.deadline) return { type: "timeout" };
      if (!this.runtime.hasPendingJob()) return { type: "stuck" };
      this.runtime.executePendingJobs(JOB_BATCH).dispose();
    }
  }

  /** Disposes handles, context and runtime in reverse order; throws if any dispose throws. */
  dispose(): void {
    this.scope.dispose();
    this.context.dispose();
    this.runtime.dispose();
  }
}
