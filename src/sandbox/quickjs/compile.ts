/**
 * Compiles task code exactly as an attempt wraps and evaluates it, without running any of it
 * (QuickJS `compileOnly`): `buddy validate` reports code that can never run (a syntax error,
 * code over the size limit) as an input problem, with the place in the task's own code. No task
 * code executes here, and the engine has no globals of the sandbox: nothing can be reached.
 */
import type { QuickJSContext, QuickJSRuntime } from "quickjs-emscripten-core";
import { taskFilename, taskFrames } from "../frames";
import { wrapTask } from "../guest/wrapper";
import { CODE_LIMIT_BYTES, resolveSettings } from "../limits";
import { nestingDepth } from "../nesting";
import { utf8Length } from "../text";
import type { ErrorLocation } from "../types";
import { loadBareModule } from "./engine";

/** Why code cannot run, in the task's own terms. */
export interface CompileProblem {
  message: string;
  location?: ErrorLocation;
}

/** The parser's memory for one task's code: 1 MiB of source parses in a few MiB. */
const COMPILE_MEMORY_BYTES = 64 * 1024 * 1024;

export class TaskCompiler {
  readonly #runtime: QuickJSRuntime;
  readonly #context: QuickJSContext;
  readonly #maxNesting: number;

  private constructor(runtime: QuickJSRuntime) {
    // The small stack's limits: this process's native stack is not an executor's.
    const settings = resolveSettings();
    runtime.setMemoryLimit(COMPILE_MEMORY_BYTES);
    runtime.setMaxStackSize(settings.stackBytes);
    this.#runtime = runtime;
    this.#context = runtime.newContext();
    this.#maxNesting = settings.maxNesting;
  }

  static async create(): Promise<TaskCompiler> {
    return new TaskCompiler((await loadBareModule()).newRuntime());
  }

  /** The problem that keeps `code` from ever running, or undefined. `script` names its file. */
  check(code: string, script?: string): CompileProblem | undefined {
    if (utf8Length(code) > CODE_LIMIT_BYTES) return { message: `the code is larger than ${CODE_LIMIT_BYTES / (1024 * 1024)} MiB` };
    // Nesting deeper than this parser's stack takes is left to the attempt, whose executor may
    // have the larger stack: only what fails everywhere is an input problem.
    if (nestingDepth(code, this.#maxNesting) > this.#maxNesting) return undefined;
    const file = taskFilename(script?.split("/").pop());
    const { source, headLength } = wrapTask(code, "v");
    const compiled = this.#context.evalCode(source, file, { type: "global", compileOnly: true });
    if (!compiled.error) {
      compiled.value.dispose();
      return undefined;
    }
    const thrown = this.#context.dump(compiled.error) as { name?: unknown; message?: unknown; stack?: unknown };
    compiled.error.dispose();
    const message = `${String(thrown.name ?? "SyntaxError")}: ${String(thrown.message ?? "the code does not compile")}`;
    const { location } = taskFrames(typeof thrown.stack === "string" ? thrown.stack : undefined, { file, headLength, lines: code.split("\n").length });
    return location === undefined ? { message } : { message, location };
  }

  dispose(): void {
    this.#context.dispose();
    this.#runtime.dispose();
  }
}
