/**
 * Decoded views of a text, for finding a secret however it was escaped: view 0 is the text,
 * view k+1 is view k with every escape decoded once (percent escapes of UTF-8 bytes in either hex
 * case, JSON's `\uXXXX` and two-character escapes, HTML character references). A partially
 * encoded secret (`s3cr%7Et`, `s3cr\u007et`) reads plainly in view 1; one encoded twice
 * (`%257E`, a URL-encoded form inside a JSON string escaped again) in view 2 or 3. Each character
 * of a view remembers the span of the original text it came from, so a match maps back.
 */

/** How many times escapes are decoded: three levels cover an encoding nested in two others. */
export const VIEW_DEPTH = 3;

export interface View {
  text: string;
  /** Original span of each UTF-16 unit of `text`; absent for the text itself (unit i is [i, i+1)). */
  from?: Int32Array;
  to?: Int32Array;
}

/** The original span of view units [i, j). */
export const originalSpan = (v: View, i: number, j: number): [number, number] => [v.from ? v.from[i]! : i, v.to ? v.to[j - 1]! : j];

const JSON_SHORT: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const HTML_NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const HEX2 = /^[0-9a-fA-F]{2}$/;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const HTML_REF = /^&(?:#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}))|([a-zA-Z]{2,4}));/;
const strict = new TextDecoder("utf-8", { fatal: true });

/** `view` with every escape decoded once; the same object when it has none. */
export function decodeOnce(view: View): View {
  const src = view.text;
  // A decoded text is never longer than its source, so the maps fit in arrays of its length.
  const from = new Int32Array(src.length);
  const to = new Int32Array(src.length);
  const parts: string[] = [];
  let length = 0;
  let decoded = false;
  // Emits `text` as coming from source units [a, b) of this view (each unit its own when `own`).
  const emit = (text: string, a: number, b: number, own: boolean) => {
    parts.push(text);
    for (let k = 0; k < text.length; k++, length++) {
      const [start, end] = own ? originalSpan(view, a + k, a + k + 1) : originalSpan(view, a, b);
      from[length] = start;
      to[length] = end;
    }
  };
  const escapes = /[%\\&]/g;
  let at = 0;
  for (let m = escapes.exec(src); m !== null; m = escapes.exec(src)) {
    const i = m.index;
    const c = src[i]!;
    const n = c === "%" ? percentRun(src, i) : c === "\\" ? jsonEscape(src, i) : htmlReference(src, i);
    if (n === undefined) continue;
    emit(src.slice(at, i), at, i, true);
    emit(n.text, i, n.end, false);
    decoded = true;
    at = n.end;
    escapes.lastIndex = n.end;
  }
  if (!decoded) return view;
  emit(src.slice(at), at, src.length, true);
  return { text: parts.join(""), from: from.subarray(0, length), to: to.subarray(0, length) };
}

interface Decoded {
  text: string;
  end: number;
}

/** A run of `%HH` bytes that is valid UTF-8, shortened until it is; undefined if none is. */
function percentRun(src: string, i: number): Decoded | undefined {
  const bytes: number[] = [];
  let j = i;
  while (src[j] === "%" && HEX2.test(src.slice(j + 1, j + 3)) && bytes.length < 4096) {
    bytes.push(Number.parseInt(src.slice(j + 1, j + 3), 16));
    j += 3;
  }
  // Decode the longest valid prefix; the rest is decoded from where this one stops.
  for (let k = bytes.length; k > 0; k--) {
    try {
      return { text: strict.decode(Uint8Array.from(bytes.slice(0, k))), end: i + 3 * k };
    } catch {
      // not valid UTF-8 yet: try a shorter run
    }
  }
  return undefined;
}

function jsonEscape(src: string, i: number): Decoded | undefined {
  const next = src[i + 1];
  if (next === "u" && HEX4.test(src.slice(i + 2, i + 6))) {
    return { text: String.fromCharCode(Number.parseInt(src.slice(i + 2, i + 6), 16)), end: i + 6 };
  }
  const short = next === undefined ? undefined : JSON_SHORT[next];
  return short === undefined ? undefined : { text: short, end: i + 2 };
}

function htmlReference(src: string, i: number): Decoded | undefined {
  const m = HTML_REF.exec(src.slice(i, i + 12));
  if (!m) return undefined;
  const cp = m[1] !== undefined ? Number.parseInt(m[1], 10) : m[2] !== undefined ? Number.parseInt(m[2], 16) : undefined;
  if (cp !== undefined) return cp <= 0x10ffff ? { text: String.fromCodePoint(cp), end: i + m[0].length } : undefined;
  const named = HTML_NAMED[m[3]!.toLowerCase()];
  return named === undefined ? undefined : { text: named, end: i + m[0].length };
}

/** The views of `text`, from the text itself to `VIEW_DEPTH` decodings; a view equal to the last is not repeated. */
export function viewsOf(text: string): View[] {
  const views: View[] = [{ text }];
  for (let k = 0; k < VIEW_DEPTH; k++) {
    const next = decodeOnce(views[views.length - 1]!);
    if (next === views[views.length - 1]) break;
    views.push(next);
  }
  return views;
}
