/**
 * Patterns for a secret's bytes inside binary-to-text encodings: base64 (standard and url-safe)
 * and hex. Base64 of a longer text (`client_id:secret` in Basic auth, a JSON blob) places the
 * secret at one of three byte alignments, and the characters at its two edges mix its bits with
 * the neighbours': each alignment gets a pattern whose edge characters are classes of every value
 * consistent with the secret's bits, so no character carrying a bit of it survives. Whitespace
 * between characters (MIME's 76-column lines, folded headers) does not hide it.
 */
/** `chars` made safe inside a RegExp character class. */
const escapeClass = (chars: string) => chars.replace(/[\\\]\[^\-]/g, "\\$&");

const STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE = `${STANDARD.slice(0, 62)}-_`;

/** How a base64 character may itself be written: `/` escaped in JSON, `+` and `/` in a URL. */
const WRITTEN: Record<string, string> = { "+": "\\+|%2[bB]", "/": "\\/|\\\\\\/|%2[fF]" };

/** The pattern of one base64 character that may take any of `values` (indexes into `alphabet`). */
function charPattern(alphabet: string, values: readonly number[]): string {
  const chars = [...new Set(values.map((v) => alphabet[v]!))];
  const plain = chars.filter((c) => WRITTEN[c] === undefined);
  const parts = chars.filter((c) => WRITTEN[c] !== undefined).map((c) => WRITTEN[c]!);
  if (plain.length > 0) parts.unshift(plain.length === 1 ? plain[0]!.replace(/[-]/g, "\\-") : `[${escapeClass(plain.join(""))}]`);
  return parts.length === 1 && !parts[0]!.includes("|") ? parts[0]! : `(?:${parts.join("|")})`;
}

/**
 * The base64 pattern of `bytes` preceded by `align` unknown bytes in the encoded data: the
 * characters whose 6 bits overlap the secret's, each a literal where all 6 are the secret's.
 */
function base64Pattern(bytes: Uint8Array, align: number, alphabet: string, unknown?: ReadonlySet<number>): string {
  const first = align * 8;
  const last = first + bytes.length * 8; // exclusive
  const bit = (i: number) => (bytes[(i - first) >> 3]! >> (7 - ((i - first) & 7))) & 1;
  const chars: string[] = [];
  for (let k = Math.floor(first / 6); k * 6 < last; k++) {
    const values: number[] = [];
    for (let v = 0; v < 64; v++) {
      let fits = true;
      for (let b = 0; b < 6 && fits; b++) {
        const i = k * 6 + b;
        // A byte a lossy encoder may have written any way (`unknown`) constrains nothing.
        if (i >= first && i < last && !unknown?.has((i - first) >> 3)) fits = ((v >> (5 - b)) & 1) === bit(i);
      }
      if (fits) values.push(v);
    }
    chars.push(charPattern(alphabet, values));
  }
  // MIME wraps base64 at 76 characters, headers fold with "\r\n ", some tools group by spaces:
  // whitespace may fall anywhere.
  return chars.join("\\s*");
}

/** Every base64 pattern (3 alignments × 2 alphabets) and the hex pattern of `bytes`. */
export function binaryPatterns(bytes: Uint8Array, unknown?: ReadonlySet<number>): string[] {
  const patterns: string[] = [];
  for (const alphabet of [STANDARD, URL_SAFE]) for (const align of [0, 1, 2]) patterns.push(base64Pattern(bytes, align, alphabet, unknown));
  if (unknown !== undefined) return [...new Set(patterns)];
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  // Either case, bytes apart or joined by a colon, space or dash (as fingerprints are shown).
  const pairs = hex.match(/../g) ?? [];
  patterns.push(pairs.map((h) => h.replace(/[a-f]/g, (c) => `[${c}${c.toUpperCase()}]`)).join("[:\\s-]?"));
  return [...new Set(patterns)];
}
