/**
 * Decoded views of a text, for finding a secret however it was escaped. A view is the text with
 * every escape of some kinds decoded once and every invisible character dropped (invisible.ts):
 * percent and `\xHH` bytes read as UTF-8 and `%uXXXX` (BYTES), the same bytes read one by one
 * as Latin-1 (LATIN1), JSON/JavaScript escapes (JSON), HTML character references (HTML, see
 * html.ts). The combined view decodes BYTES, JSON and HTML at once; because one escape can swallow
 * characters that belong to the next (`\u00` before `ab…` reads `\u00ab`), each kind present is
 * also decoded in a view of its own. Each view is decoded again, up to MAX_DEPTH times, for
 * escapes nested in escapes (`%252F`, a URL-encoded form inside a JSON string).
 *
 * Every unit of a view remembers where in the original text its source starts, so a match maps
 * back. Views are visited one at a time and dropped, and each decode is one linear pass into
 * preallocated arrays, so redacting a text costs a few times its size, in time and in memory.
 */
import { htmlReference } from "./html";
import { isInvisible } from "./invisible";

const BYTES = 1;
const LATIN1 = 2;
const JSON_ESCAPES = 4;
const HTML = 8;
const COMBINED = BYTES | JSON_ESCAPES | HTML;

/** Decoding rounds along one chain of views: four levels of nesting and one to spare. */
const MAX_DEPTH = 5;

export interface View {
  text: string;
  /**
   * Original position where the source of each unit starts, plus the original length at index
   * `text.length`; absent for the text itself. Units decoded from one escape share a start.
   */
  from?: Int32Array;
}

/** The original span of view units [i, j). */
export function originalSpan(v: View, i: number, j: number): [number, number] {
  if (v.from === undefined) return [i, j];
  const f = v.from;
  let k = j;
  // A match ending inside a decoded escape (half a surrogate pair) takes the whole escape.
  while (k < v.text.length && f[k] === f[j - 1]) k++;
  return [f[i]!, f[k]!];
}

const JSON_SHORT: Record<number, number> = { 34: 34, 39: 39, 47: 47, 92: 92, 98: 8, 102: 12, 110: 10, 114: 13, 116: 9 };
const hexValue = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);

function hexAt(src: string, i: number, digits: number): number {
  let v = 0;
  for (let k = 0; k < digits; k++) {
    const d = hexValue(src.charCodeAt(i + k));
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** The decoded code point of the last escape read, and where it ended. */
let cp = 0;
let end = 0;
/** Set when a byte escape of 0x80 or more was seen: the text may hold Latin-1 percent bytes. */
let highByte = false;

/** The byte of a `%HH` or `\xHH` escape at `i` (prefix length `p`), or -1. */
function byteAt(src: string, i: number, p: number): number {
  if (p === 1 ? src.charCodeAt(i) !== 37 : src.charCodeAt(i) !== 92 || src.charCodeAt(i + 1) !== 120) return -1;
  return hexAt(src, i + p, 2);
}

/** A byte escape (`%HH`, `\xHH`) or `%uXXXX` at `i`, read as UTF-8 (one code point) or Latin-1. */
function byteEscape(src: string, i: number, latin1: boolean): boolean {
  const p = src.charCodeAt(i) === 37 ? 1 : 2;
  if (p === 1 && (src.charCodeAt(i + 1) | 0x20) === 0x75) {
    const unit = hexAt(src, i + 2, 4);
    if (unit < 0) return false;
    cp = unit;
    end = i + 6;
    return true;
  }
  const b0 = byteAt(src, i, p);
  if (b0 < 0) return false;
  const step = p + 2;
  if (b0 < 0x80 || latin1) {
    if (b0 >= 0x80) highByte = true;
    cp = b0;
    end = i + step;
    return true;
  }
  highByte = true;
  const more = b0 >= 0xc2 && b0 <= 0xdf ? 1 : b0 >= 0xe0 && b0 <= 0xef ? 2 : b0 >= 0xf0 && b0 <= 0xf4 ? 3 : -1;
  if (more < 0) return false;
  let v = b0 & (0x3f >> more);
  for (let k = 1; k <= more; k++) {
    const b = byteAt(src, i + k * step, p);
    if (b < 0x80 || b > 0xbf) return false;
    v = (v << 6) | (b & 0x3f);
  }
  // Overlong forms and surrogates are not UTF-8.
  if (v < [0, 0x80, 0x800, 0x10000][more]! || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff) return false;
  cp = v;
  end = i + (more + 1) * step;
  return true;
}

function jsonEscape(src: string, i: number): boolean {
  const next = src.charCodeAt(i + 1);
  if (next === 117 /* u */) {
    if (src.charCodeAt(i + 2) === 123 /* { */) {
      const close = src.indexOf("}", i + 3);
      if (close < 0 || close - i - 3 < 1 || close - i - 3 > 6) return false;
      const v = hexAt(src, i + 3, close - i - 3);
      if (v < 0 || v > 0x10ffff) return false;
      cp = v;
      end = close + 1;
      return true;
    }
    const unit = hexAt(src, i + 2, 4);
    if (unit < 0) return false;
    cp = unit;
    end = i + 6;
    return true;
  }
  const short = JSON_SHORT[next];
  if (short === undefined) return false;
  cp = short;
  end = i + 2;
  return true;
}

/** Which kinds an escape at `i` decoded as; 0 when none (`cp` and `end` then say nothing). */
function escapeAt(src: string, i: number, kinds: number): number {
  const c = src.charCodeAt(i);
  if (c === 38) {
    if (!(kinds & HTML)) return 0;
    const ref = htmlReference(src, i);
    if (ref === undefined) return 0;
    [cp, end] = ref;
    return HTML;
  }
  if (c === 92 && kinds & JSON_ESCAPES && jsonEscape(src, i)) return JSON_ESCAPES;
  if (kinds & (BYTES | LATIN1) && (c === 37 || src.charCodeAt(i + 1) === 120)) {
    if (byteEscape(src, i, !(kinds & BYTES))) return kinds & BYTES ? BYTES : LATIN1;
  }
  return 0;
}

interface Decoded {
  view: View;
  /** The kinds that decoded something. */
  found: number;
  /** A byte escape of 0x80 or more was seen. */
  high: boolean;
}

/** `view` with every escape of `kinds` decoded once and invisible characters dropped; the same object when nothing changed. */
function decodeOnce(view: View, kinds: number): Decoded {
  const src = view.text;
  const n = src.length;
  const origin = view.from;
  highByte = false;
  // Most views decode to themselves (the last round of every chain): find that out without allocating.
  if (!changes(src, kinds)) return { view, found: 0, high: highByte };
  // A decoded text is never longer than its source, so the maps fit in arrays of its length.
  const out = new Uint16Array(n);
  const from = new Int32Array(n + 1);
  let len = 0;
  let found = 0;
  let dropped = false;
  const put = (unit: number, at: number) => {
    if (unit < 0xd800 || unit > 0xdfff ? isInvisible(unit) : false) {
      dropped = true;
      return;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff && len > 0 && out[len - 1]! >= 0xd800 && out[len - 1]! <= 0xdbff) {
      if (isInvisible(0x10000 + ((out[len - 1]! - 0xd800) << 10) + (unit - 0xdc00))) {
        len--;
        dropped = true;
        return;
      }
    }
    out[len] = unit;
    from[len++] = at;
  };
  for (let i = 0; i < n; ) {
    const c = src.charCodeAt(i);
    const at = origin === undefined ? i : origin[i]!;
    const kind = c === 37 || c === 92 || c === 38 ? escapeAt(src, i, kinds) : 0;
    if (kind === 0) {
      put(c, at);
      i++;
      continue;
    }
    found |= kind;
    if (cp > 0xffff) {
      put(0xd800 + ((cp - 0x10000) >> 10), at);
      put(0xdc00 + ((cp - 0x10000) & 0x3ff), at);
    } else put(cp, at);
    i = end;
  }
  const high = highByte;
  if (found === 0 && !dropped) return { view, found, high };
  from[len] = origin === undefined ? n : origin[n]!;
  const text = Buffer.from(out.buffer, 0, len * 2).toString("utf16le");
  return { view: { text, from: len < n >> 1 ? from.slice(0, len + 1) : from.subarray(0, len + 1) }, found, high };
}

/** True when decoding `src` would change it: an escape of `kinds` or an invisible character. */
function changes(src: string, kinds: number): boolean {
  let change = false;
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 37 || c === 92 || c === 38) {
      // Scanned to the end regardless: whether a high byte escape exists is part of the answer.
      if (escapeAt(src, i, kinds) !== 0) change = true;
    } else if (c < 0xd800 || c > 0xdfff) {
      if (isInvisible(c)) change = true;
    } else if (c >= 0xdc00 && i > 0) {
      const h = src.charCodeAt(i - 1);
      if (h >= 0xd800 && h <= 0xdbff && isInvisible(0x10000 + ((h - 0xd800) << 10) + (c - 0xdc00))) change = true;
    }
    if (change && highByte) return true;
  }
  return change;
}

/**
 * Calls `visit` with the text and each of its decoded views, one at a time. False when escapes
 * were still left after MAX_DEPTH rounds: the text is nested deeper than the views can see.
 */
export function forEachView(text: string, visit: (view: View) => void): boolean {
  const root: View = { text };
  visit(root);
  const first = decodeOnce(root, COMBINED);
  let complete = true;
  if (first.view !== root) complete = chain(first.view, visit);
  // Each kind in a view of its own when more than one was found, so no escape hides a neighbour.
  const single = [BYTES, JSON_ESCAPES, HTML].filter((k) => first.found & k);
  const kinds = single.length > 1 ? single : [];
  if (first.high) kinds.push(LATIN1);
  for (const k of kinds) {
    const v = decodeOnce(root, k).view;
    if (v !== root) complete = chain(v, visit) && complete;
  }
  return complete;
}

function chain(view: View, visit: (view: View) => void): boolean {
  visit(view);
  for (let depth = 1; depth < MAX_DEPTH; depth++) {
    const next = decodeOnce(view, COMBINED).view;
    if (next === view) return true;
    view = next;
    visit(view);
  }
  return decodeOnce(view, COMBINED).view === view;
}

/** The texts of every view of `text` (for a secret: how each decoding reads it). */
export function viewTexts(text: string): string[] {
  const texts: string[] = [];
  forEachView(text, (v) => texts.push(v.text));
  return [...new Set(texts)];
}
