/**
 * The sandbox's own guest functions of one attempt, each compiled on first use (QuickJS compiles
 * ~8 characters/µs, so an attempt that never logs, throws or reads `providers` never pays for
 * them): the serialiser (guest/serialise.ts) and the helper that formats console lines and
 * describes thrown values (guest/helpers.ts). Built from the bootstrap's primordials, so task code
 * that replaced globals cannot reach into them. `null`: building failed (e.g. the deadline had
 * already passed); callers then answer as if the value could not be read.
 */
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import { Primordial } from "../guest/bootstrap";
import { HELPERS_FILENAME, HELPERS_SOURCE } from "../guest/helpers";
import { SERIALISER_FILENAME, SERIALISER_SOURCE } from "../guest/serialise";
import { readText, type CallResult } from "./handles";

export class OwnCode {
  private helper: QuickJSHandle | null | undefined;
  private serialiser: QuickJSHandle | null | undefined;

  /** @param manage takes ownership of a built function (the session's scope) */
  constructor(
    private readonly ctx: QuickJSContext,
    private readonly primordials: QuickJSHandle,
    private readonly maxNesting: number,
    private readonly manage: (handle: QuickJSHandle) => QuickJSHandle,
  ) {}

  /** Calls the helper with its `kind` (guest/helpers.ts, HelperCall). */
  callHelper(kind: number, args: QuickJSHandle[]): CallResult {
    const ctx = this.ctx;
    const helper = this.helpers();
    if (helper === null) return { other: "not-a-string" };
    const kindHandle = ctx.newNumber(kind);
    const result = ctx.callFunction(helper, ctx.undefined, [kindHandle, ...args]);
    kindHandle.dispose();
    return readText(ctx, result);
  }

  serialiserFunction(): QuickJSHandle | null {
    if (this.serialiser !== undefined) return this.serialiser;
    const ctx = this.ctx;
    this.serialiser = null;
    const stringify = ctx.getProp(this.primordials, Primordial.stringify);
    const create = ctx.getProp(this.primordials, Primordial.create);
    const maxDepth = ctx.newNumber(this.maxNesting);
    this.serialiser = this.build(SERIALISER_SOURCE, SERIALISER_FILENAME, [stringify, create, maxDepth]);
    for (const handle of [stringify, create, maxDepth]) handle.dispose();
    return this.serialiser;
  }

  private helpers(): QuickJSHandle | null {
    if (this.helper !== undefined) return this.helper;
    this.helper = null;
    const serialiser = this.serialiserFunction();
    if (serialiser === null) return null;
    this.helper = this.build(HELPERS_SOURCE, HELPERS_FILENAME, [this.primordials, serialiser]);
    return this.helper;
  }

  /** Evaluates a factory of the sandbox's own guest code and calls it; null if either failed. */
  private build(source: string, filename: string, args: QuickJSHandle[]): QuickJSHandle | null {
    const ctx = this.ctx;
    const factory = ctx.evalCode(source, filename, { type: "global" });
    if (factory.error) {
      factory.error.dispose();
      return null;
    }
    const built = ctx.callFunction(factory.value, ctx.undefined, args);
    factory.value.dispose();
    if (built.error) {
      built.error.dispose();
      return null;
    }
    return this.manage(built.value);
  }
}
