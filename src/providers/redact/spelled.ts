/**
 * Where a secret is *spelled* in a text, in any mix of the textual encodings an upstream may echo
 * it in: raw, percent-encoded (either hex case, `%7E` or `~`, `+` for a space, any subset of the
 * characters encoded), JSON-escaped (`\uXXXX` of any character, `\/`, `\"`, …) and HTML
 * character references (`&#126;`, `&#x7e;`, `&amp;`). Encodings nest up to `MAX_DEPTH` levels
 * (`%257E`, `\u00257E`), because a URL-encoded form echoed inside a JSON string is two levels.
 *
 * Matching decodes one character of the text at a time against the secret's next character, so
 * a partially encoded secret is found without enumerating its 2^n spellings.
 */

/** How many encodings may wrap one another around a character of the secret. */
const MAX_DEPTH = 3;

const BACKSLASH = 0x5c;
const PERCENT = 0x25;
const AMP = 0x26;
const PLUS = 0x2b;
const SPACE = 0x20;

/** JSON's two-character escapes, by the character they stand for. */
const JSON_SHORT: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x08: 0x62, 0x0c: 0x66, 0x0a: 0x6e, 0x0d: 0x72, 0x09: 0x74 };
/** HTML's named references for the characters that HTML escapes by name. */
const HTML_NAMED: Record<number, readonly string[]> = { 0x26: ["amp"], 0x3c: ["lt"], 0x3e: ["gt"], 0x22: ["quot"], 0x27: ["apos"] };

const utf8 = new TextEncoder();

/** The characters a spelling of code point `cp` can start with (the raw one, or an escape's). */
export function firstChars(cp: number): string {
  return String.fromCodePoint(cp) + (cp === SPACE ? "+" : "") + "%\\&";
}

/** One unit of an escape: the characters it may be (a hex digit in either case, or one character). */
type Unit = readonly number[];

const escapes = new Map<number, Unit[][]>();

/** The escape spellings of `cp` (percent, JSON long and short), computed once per character. */
function escapesOf(cp: number): Unit[][] {
  let known = escapes.get(cp);
  if (known === undefined) escapes.set(cp, (known = [percentUnits(cp), ...jsonUnits(cp)]));
  return known;
}

const hexUnit = (n: number): Unit => {
  const digit = n.toString(16);
  return n < 10 ? [digit.charCodeAt(0)] : [digit.charCodeAt(0), digit.toUpperCase().charCodeAt(0)];
};

/** `%HH` for every UTF-8 byte of `cp`. */
function percentUnits(cp: number): Unit[] {
  const units: Unit[] = [];
  for (const byte of utf8.encode(String.fromCodePoint(cp))) units.push([PERCENT], hexUnit(byte >> 4), hexUnit(byte & 15));
  return units;
}

/** `\uHHHH` per UTF-16 unit of `cp`, and its two-character escape if it has one. */
function jsonUnits(cp: number): Unit[][] {
  const char = String.fromCodePoint(cp);
  const long: Unit[] = [];
  for (let i = 0; i < char.length; i++) {
    const u = char.charCodeAt(i);
    long.push([BACKSLASH], [0x75], hexUnit(u >> 12), hexUnit((u >> 8) & 15), hexUnit((u >> 4) & 15), hexUnit(u & 15));
  }
  const short = JSON_SHORT[cp];
  return short === undefined ? [long] : [long, [[BACKSLASH], [short]]];
}

/**
 * Matching within one text. The ends of a character's spellings at a position are memoised:
 * nested escapes ask the same question many times (is there a `%`, spelled any way, here?).
 */
class Matcher {
  private readonly memo = new Map<number, readonly number[]>();

  constructor(private readonly text: string) {}

  /** End positions of every spelling of `cp` at `pos`, at most `depth` encodings deep. */
  ends(pos: number, cp: number, depth: number): readonly number[] {
    const at = this.text.codePointAt(pos);
    if (at === undefined) return NONE;
    const raw = at === cp ? [pos + (cp > 0xffff ? 2 : 1)] : NONE;
    // Every escape starts with one of these: anything else can only be the raw character.
    if (depth === 0 || (at !== PERCENT && at !== BACKSLASH && at !== AMP && at !== PLUS)) return raw;
    const key = (pos * 4 + depth) * 0x110000 + cp;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const out = new Set(raw);
    if (cp === SPACE && at === PLUS) out.add(pos + 1);
    // Each escape's own characters may themselves be spelled encoded (one level less).
    for (const units of escapesOf(cp)) this.seq(pos, units, depth - 1, out);
    if (at === AMP) htmlReference(this.text, pos, cp, out);
    const found = [...out];
    if (this.memo.size > 65_536) this.memo.clear();
    this.memo.set(key, found);
    return found;
  }

  /** Extends `start` by `units`, adding the ends reached to `out`. */
  private seq(start: number, units: readonly Unit[], depth: number, out: Set<number>): void {
    let here: readonly number[] = [start];
    for (const unit of units) {
      const next = new Set<number>();
      for (const p of here) for (const cp of unit) for (const e of this.ends(p, cp, depth)) next.add(e);
      if (next.size === 0) return;
      here = [...next];
    }
    for (const e of here) out.add(e);
  }
}

const NONE: readonly number[] = [];

/** `&#DDD;`, `&#xHH;` (any case, leading zeros) or a named reference for `cp`, at `pos`. */
function htmlReference(text: string, pos: number, cp: number, out: Set<number>): void {
  const m = /^&(?:#(?:([0-9]{1,10})|[xX]([0-9a-fA-F]{1,8}))|([a-zA-Z]{2,6}));/.exec(text.slice(pos, pos + 14));
  if (!m) return;
  const value = m[1] !== undefined ? Number.parseInt(m[1], 10) : m[2] !== undefined ? Number.parseInt(m[2], 16) : undefined;
  if (value === cp || (m[3] !== undefined && HTML_NAMED[cp]?.includes(m[3].toLowerCase()))) out.add(pos + m[0].length);
}

/**
 * Every span `[start, end)` of `text` that spells `secret`, longest at each start. Overlapping
 * spans are all reported (the caller merges them), so no part of a secret is left between two.
 */
export function spelledSpans(text: string, secret: string): Array<[number, number]> {
  const cps = Array.from(secret, (c) => c.codePointAt(0)!);
  if (cps.length === 0) return [];
  const spans: Array<[number, number]> = [];
  const matcher = new Matcher(text);
  const starts = new RegExp(`[${escapeClass(firstChars(cps[0]!))}]`, "g");
  for (let m = starts.exec(text); m !== null; m = starts.exec(text)) {
    const start = m.index;
    let here: readonly number[] = [start];
    for (const cp of cps) {
      const next = new Set<number>();
      for (const p of here) for (const e of matcher.ends(p, cp, MAX_DEPTH)) next.add(e);
      here = [...next];
      if (here.length === 0) break;
    }
    if (here.length > 0) spans.push([start, Math.max(...here)]);
    // Overlapping occurrences ("abab" in "ababab") start inside this one.
    starts.lastIndex = start + 1;
  }
  return spans;
}

/** `chars` made safe inside a RegExp character class. */
export const escapeClass = (chars: string) => chars.replace(/[\\\]\[^\-]/g, "\\$&");
