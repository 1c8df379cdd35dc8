/**
 * The engine's stack-overflow fact (SPEC 5: codes come from "a stack-overflow exception raised by
 * the engine", never from a message the task threw). QuickJS's stack check leaves no trace the
 * host can read, and its error is an ordinary InternalError (or SyntaxError, from the parsers)
 * that task code can copy exactly: `new (e.constructor)("stack overflow")`, a plain object, a
 * Proxy. What the task cannot copy is text it has never seen. Every engine stack overflow formats
 * its message from one literal in the module's static data (5 references in the code, none to a
 * part of it), so each attempt overwrites that literal with a fresh random token of the same
 * length: an error whose message is the token was made by the engine's own overflow check during
 * this attempt (or copied from such an error, which the task could as well have rethrown).
 *
 * Inside the guest the engine's overflow message therefore reads as the token; the host shows
 * "stack overflow" wherever the token reaches the user (the error, console lines, the result).
 */
import { randomFillSync } from "node:crypto";
import type { QuickJSWASMModule } from "quickjs-emscripten-core";

const STACK_MESSAGE = "stack overflow";
const LITERAL = new TextEncoder().encode(`${STACK_MESSAGE}\0`);
/** 64 symbols, none escaped in JSON: a token is 14 × 6 = 84 random bits. */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** A shadow stack small enough to overflow at once, with any native stack. */
const PROBE_STACK_BYTES = 64 * 1024;

/** Random bytes drawn at a time: one draw per token cost ~2 µs, most of it the draw itself. */
const POOL_BYTES = STACK_MESSAGE.length * 256;

export class OverflowMark {
  private readonly random = new Uint8Array(POOL_BYTES);
  private used = POOL_BYTES;

  private constructor(
    private readonly memory: WebAssembly.Memory,
    /** Address of the literal in the module's static data. */
    readonly address: number,
  ) {}

  /**
   * Finds the literal in a freshly loaded module and proves it is the one the engine's overflow
   * check formats; throws if not (an engine upgrade that moved or split it must not silently
   * lose the fact). Nothing but static data has been written to the memory yet. Another instance
   * of the same compiled code has its static data at the same place: given where the first one's
   * literal is (`known`), the proof made there holds, and it is checked that the literal is there.
   */
  static find(module: QuickJSWASMModule, memory: WebAssembly.Memory, known?: number): OverflowMark {
    if (known !== undefined) {
      if (Buffer.from(memory.buffer, known, LITERAL.length).equals(LITERAL)) return new OverflowMark(memory, known);
      throw new Error("the sandbox engine's stack-overflow message is not where it was expected");
    }
    const bytes = new Uint8Array(memory.buffer);
    const first = Buffer.from(bytes.buffer).indexOf(LITERAL);
    if (first < 0 || Buffer.from(bytes.buffer).indexOf(LITERAL, first + 1) >= 0) {
      throw new Error("the sandbox engine's stack-overflow message is not where it was expected");
    }
    const mark = new OverflowMark(memory, first);
    const token = mark.arm();
    if (overflowMessage(module) !== token) {
      throw new Error("the sandbox engine's stack overflow does not carry its mark");
    }
    return mark;
  }

  /** Writes a fresh token over the literal, for the attempt about to start; returns it. */
  arm(): string {
    if (this.used === POOL_BYTES) {
      randomFillSync(this.random);
      this.used = 0;
    }
    const literal = new Uint8Array(this.memory.buffer, this.address, STACK_MESSAGE.length);
    let token = "";
    for (let i = 0; i < STACK_MESSAGE.length; i++) {
      const symbol = ALPHABET[this.random[this.used++]! & 63]!;
      literal[i] = symbol.charCodeAt(0);
      token += symbol;
    }
    return token;
  }
}

/** The message of a real overflow in a throwaway runtime. */
function overflowMessage(module: QuickJSWASMModule): string | undefined {
  const runtime = module.newRuntime();
  try {
    runtime.setMaxStackSize(PROBE_STACK_BYTES);
    const context = runtime.newContext();
    try {
      const result = context.evalCode("var m; try { (function f() { f() })() } catch (e) { m = e.message } m");
      const value: unknown = result.error ? undefined : context.dump(result.value);
      (result.error ?? result.value).dispose();
      return typeof value === "string" ? value : undefined;
    } finally {
      context.dispose();
    }
  } finally {
    runtime.dispose();
  }
}

/** Text with every occurrence of the attempt's token shown as the engine's real message. */
export const unmark = (text: string, token: string): string =>
  text.includes(token) ? text.replaceAll(token, STACK_MESSAGE) : text;
