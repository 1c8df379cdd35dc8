/** UTF-8 sizing for the byte caps of SPEC 5 (console 64 KiB, result 1 MiB, error text 1 KiB). */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** `text` cut to at most `limit` UTF-8 bytes, never in the middle of a character. */
export function capUtf8(text: string, limit: number): string {
  // Every UTF-16 unit is at most 3 UTF-8 bytes: short text needs no measuring.
  if (text.length * 3 <= limit || utf8Length(text) <= limit) return text;
  const bytes = encoder.encode(text.slice(0, limit)).subarray(0, limit);
  // A cut inside a multi-byte character decodes to U+FFFD at the end: drop it.
  return decoder.decode(bytes).replace(/\uFFFD+$/, "");
}
