/**
 * The lazily built globals of a task (`input`, `task`, `console`, `providers`, `Math.random`): the
 * bootstrap leaves accessors that call here on first read, so an attempt pays only for what its
 * code uses.
 * Values are built with the primordials captured before the task ran, and the input and task
 * JSON were copied into the module at boot, while it was fresh: nothing large is written into a
 * module that task code may already have filled (sandbox-notes 2.3).
 */
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import { Primordial, RANDOM_FILENAME, RANDOM_SOURCE } from "../guest/bootstrap";
import { CONSOLE_LEVELS, type ConsoleLevel, type LazyGlobal } from "../guest/protocol";

/** What a lazy getter answers: the value (handed over to the engine) or an error to throw. */
export type Built = QuickJSHandle | { error: QuickJSHandle };

export interface LazySources {
  primordials: QuickJSHandle;
  inputJson: QuickJSHandle;
  taskJson: QuickJSHandle;
  seed: number;
  /** Records one console call; its arguments are borrowed for the duration of the call. */
  console: (level: ConsoleLevel, args: QuickJSHandle[]) => void;
  /** Builds the `providers` object (guest/providers.ts); only asked when the task declares providers. */
  providers: () => { value: QuickJSHandle } | { error: QuickJSHandle };
}

export class LazyGlobals {
  constructor(
    private readonly ctx: QuickJSContext,
    private readonly sources: LazySources,
  ) {}

  /** Builds a global on its first read and makes it a plain data property. */
  build(name: LazyGlobal): Built {
    const made = this.make(name);
    if ("error" in made) return made;
    this.define(name, made.value);
    return made.value;
  }

  /** An assignment before the first read simply replaces the accessor. */
  assign(name: LazyGlobal, value: QuickJSHandle): void {
    this.define(name, value);
  }

  private make(name: LazyGlobal): { value: QuickJSHandle } | { error: QuickJSHandle } {
    switch (name) {
      case "input":
        return this.callPrimordial(Primordial.parse, [this.sources.inputJson]);
      case "task": {
        const parsed = this.callPrimordial(Primordial.parse, [this.sources.taskJson]);
        if ("error" in parsed) return parsed;
        const frozen = this.callPrimordial(Primordial.freeze, [parsed.value]);
        parsed.value.dispose();
        return frozen;
      }
      case "console":
        return { value: this.makeConsole() };
      case "providers":
        return this.sources.providers();
      case "random":
        return this.makeRandom();
      default:
        return name satisfies never;
    }
  }

  /** A plain object whose methods are host functions, one per level. */
  private makeConsole(): QuickJSHandle {
    const ctx = this.ctx;
    const console = ctx.newObject();
    for (const level of CONSOLE_LEVELS) {
      const method = ctx.newFunction(level, (...args) => this.sources.console(level, args));
      this.defineData(console, level, method, true);
      method.dispose();
    }
    return console;
  }

  private makeRandom(): { value: QuickJSHandle } | { error: QuickJSHandle } {
    const ctx = this.ctx;
    const factory = ctx.evalCode(RANDOM_SOURCE, RANDOM_FILENAME, { type: "global" });
    if (factory.error) return { error: factory.error };
    const seed = ctx.newNumber(this.sources.seed);
    const imul = ctx.getProp(this.sources.primordials, Primordial.imul);
    const random = ctx.callFunction(factory.value, ctx.undefined, seed, imul);
    for (const handle of [factory.value, seed, imul]) handle.dispose();
    return random.error ? { error: random.error } : { value: random.value };
  }

  private define(name: LazyGlobal, value: QuickJSHandle): void {
    const holder = this.ctx.getProp(this.sources.primordials, name === "random" ? Primordial.Math : Primordial.global);
    this.defineData(holder, name, value, false);
    holder.dispose();
  }

  /**
   * Object.defineProperty (as captured) with a null-prototype descriptor, so setters that task
   * code may have put on Object.prototype never see it. Failures are ignored: the property then
   * keeps its accessor, which is still safe.
   */
  private defineData(holder: QuickJSHandle, key: string, value: QuickJSHandle, enumerable: boolean): void {
    const ctx = this.ctx;
    const descriptor = ctx.newObject(ctx.null);
    ctx.setProp(descriptor, "value", value);
    ctx.setProp(descriptor, "writable", ctx.true);
    ctx.setProp(descriptor, "configurable", ctx.true);
    if (enumerable) ctx.setProp(descriptor, "enumerable", ctx.true);
    const keyHandle = ctx.newString(key);
    const result = this.callPrimordial(Primordial.defineProperty, [holder, keyHandle, descriptor]);
    ("error" in result ? result.error : result.value).dispose();
    keyHandle.dispose();
    descriptor.dispose();
  }

  private callPrimordial(index: number, args: QuickJSHandle[]): { value: QuickJSHandle } | { error: QuickJSHandle } {
    const ctx = this.ctx;
    const fn = ctx.getProp(this.sources.primordials, index);
    const result = ctx.callFunction(fn, ctx.undefined, args);
    fn.dispose();
    return result.error ? { error: result.error } : { value: result.value };
  }
}
