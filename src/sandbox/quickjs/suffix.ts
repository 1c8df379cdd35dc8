/**
 * Per-attempt random name suffixes for the task wrapper's own bindings (guest/wrapper.ts): a
 * task's source is written before its suffix exists, so it can neither name, shadow nor assign
 * them, and closure and global lexical bindings cannot be reached by a computed name (eval and
 * the Function constructors are blocked). Reading the suffix at run time (`toString` of its own
 * function) is harmless for that reason.
 */
import { randomFillSync } from "node:crypto";

/** 16 symbols × 5 bits = 80 random bits; all valid in an identifier. */
const LENGTH = 16;
const ALPHABET = "0123456789abcdefghijklmnopqrstuv";
/** Random bytes drawn at a time, as overflow-mark.ts does for its token. */
const POOL_BYTES = LENGTH * 256;

const pool = new Uint8Array(POOL_BYTES);
let used = POOL_BYTES;

/** A fresh suffix. */
export function nextSuffix(): string {
  if (used === POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  let suffix = "";
  for (let i = 0; i < LENGTH; i++) suffix += ALPHABET[pool[used++]! & 31]!;
  return suffix;
}
