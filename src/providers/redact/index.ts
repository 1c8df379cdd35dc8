/**
 * The one redactor of secrets (SPEC 6): every text that leaves the provider layer (answer
 * bodies, error messages, fetch failures) goes through `Redactor.redact` whole, before anything
 * cuts it short. A secret is found spelled raw or in any mix of URL, JSON and HTML escapes, nested
 * up to MAX_DEPTH deep, with invisible characters anywhere in it (see views.ts), and in base64 and
 * hex of its usual byte forms (see binary.ts); every span found is merged with its neighbours and
 * replaced by one `[redacted]`, so a secret that contains another, or two that overlap, leave no
 * piece behind. A text nested deeper than the views see is withheld whole.
 */
import { binaryPatterns } from "./binary";
import { UNKNOWN_REFERENCE } from "./html";
import { isInvisible } from "./invisible";
import { forEachView, originalSpan, viewTexts } from "./views";

export const REDACTED = "[redacted]";

/**
 * Shorter secrets are refused before a run starts: a secret of a few characters cannot be told
 * apart from ordinary text, so it could not be kept out of outputs without destroying them.
 */
export const MIN_SECRET_LENGTH = 8;

/** `text` without its invisible characters (what a reader sees of it). */
export function visible(text: string): string {
  let out = "";
  for (const ch of text) if (!isInvisible(ch.codePointAt(0)!)) out += ch;
  return out;
}

/**
 * The secret in Latin-1, one byte per character; a character Latin-1 lacks is written some way
 * by each lossy encoder (`?`, its low byte), so its byte is unknown and matches anything.
 */
function latin1(secret: string): { bytes: Uint8Array; unknown: Set<number> } {
  const chars = [...secret];
  const unknown = new Set(chars.flatMap((c, i) => (c.codePointAt(0)! > 0xff ? [i] : [])));
  return { bytes: Uint8Array.from(chars, (c) => c.codePointAt(0)! & 0xff), unknown };
}

/** Enough known characters left for a pattern with wildcards to single out the secret. */
const specific = (known: number) => known >= MIN_SECRET_LENGTH;

/** The byte strings whose base64 or hex could carry `secret`: raw, as forms encode it, as JSON quotes it, in UTF-16 and Latin-1. */
function byteForms(secret: string): Uint8Array[] {
  const utf8 = new TextEncoder();
  const component = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const json = JSON.stringify(secret).slice(1, -1);
  const texts = new Set([secret, visible(secret), component, form, encodeURI(secret), component.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()), json, json.replace(/\//g, "\\/")]);
  return [...texts].map((t) => utf8.encode(t)).concat([new Uint8Array(Buffer.from(secret, "utf16le"))]);
}

/** Every base64 and hex pattern of `secret`, its Latin-1 bytes included. */
function binarySource(secret: string): string {
  const patterns = byteForms(secret).flatMap((b) => binaryPatterns(b));
  const l1 = latin1(secret);
  if (l1.unknown.size === 0) patterns.push(...binaryPatterns(l1.bytes));
  else if (specific(l1.bytes.length - l1.unknown.size)) patterns.push(...binaryPatterns(l1.bytes, l1.unknown));
  return [...new Set(patterns)].join("|");
}

/**
 * A literal pattern of `text`: a space may also be written `+` (as forms do), and a non-ASCII
 * character may stand as an HTML reference the views do not know (UNKNOWN_REFERENCE).
 */
function literal(text: string, lossy = false): RegExp {
  let source = "";
  for (const ch of text) {
    if (ch === " ") source += "[ +]";
    else if (ch.codePointAt(0)! < 0x80) source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
    // Lossy: a character outside Latin-1 written as anything (`?`, its low byte, a NUL the views drop): up to two units.
    else if (lossy && ch.codePointAt(0)! > 0xff) source += "[\\s\\S]{0,2}";
    else source += `(?:${ch}|${UNKNOWN_REFERENCE})`;
  }
  return new RegExp(source, "g");
}

/** `text` as a lossy Latin-1 encoder leaves it, when enough of it is left to single it out. */
function lossyLatin1(text: string): RegExp | undefined {
  const chars = [...text];
  const outside = chars.filter((c) => c.codePointAt(0)! > 0xff).length;
  return outside > 0 && specific(chars.length - outside) ? literal(text, true) : undefined;
}

/**
 * Runs of at least eight characters that could each be part of a base64 or hex pattern (a secret
 * of 8 bytes or more takes at least 9; `%` and `\` for `%2B`, `\/`): every binary match lies
 * inside one, so the patterns' long alternation runs only there, not at each position of ordinary
 * text. A plain class, so the scan keeps no backtracking state however long a run is.
 */
const BINARY_RUN = /[A-Za-z0-9+/_:=%\\\s-]{8,}/g;

interface Compiled {
  /**
   * The secret as literal patterns: itself and how each view reads it (a secret whose own text
   * looks like an escape, `a%41b`, echoed with the rest encoded reads in a decoded view as the
   * secret decoded the same way), each also in Unicode's composed and decomposed forms.
   */
  plain: RegExp[];
  binary: RegExp;
}

export class Redactor {
  private readonly secrets = new Map<string, Compiled>();

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Adds `secret` (and its trimmed form, which is what a client sends); blank values are ignored. */
  add(secret: string): void {
    for (const s of new Set([secret, secret.trim()])) {
      if (visible(s).trim() === "" || this.secrets.has(s)) continue;
      const texts = viewTexts(s).flatMap((t) => [t, t.normalize("NFC"), t.normalize("NFD")]);
      const unique = [...new Set(texts)].filter((t) => t !== "");
      const plain = [...unique.map((t) => literal(t)), ...unique.flatMap((t) => lossyLatin1(t) ?? [])];
      const binary = new RegExp(binarySource(s), "g");
      this.secrets.set(s, { plain, binary });
    }
  }

  /** `text` with every spelling of every secret replaced by `[redacted]`. */
  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    // A replacement could join two pieces into a new spelling; a few passes reach a fixed point.
    for (let pass = 0; pass < 4; pass++) {
      const found = this.spans(text);
      if (found === undefined) return REDACTED;
      if (found.length === 0) return text;
      text = replaceSpans(text, found);
    }
    // Still not clean after four passes: withhold the text rather than risk a piece of a secret.
    return this.spans(text)?.length === 0 ? text : REDACTED;
  }

  /** True when `text` holds a spelling of a secret (or is nested too deep to tell). */
  finds(text: string): boolean {
    return this.secrets.size > 0 && this.spans(text)?.length !== 0;
  }

  /** Where secrets are; undefined when escapes nest deeper than the views see. */
  private spans(text: string): Array<[number, number]> | undefined {
    const spans: Array<[number, number]> = [];
    const complete = forEachView(text, (view) => {
      // Every start, overlapping ones included ("abab" twice in "ababab").
      const all = (re: RegExp, within: string, offset: number) => {
        re.lastIndex = 0;
        for (let m = re.exec(within); m !== null; m = re.exec(within)) {
          spans.push(originalSpan(view, offset + m.index, offset + m.index + m[0].length));
          re.lastIndex = m.index + 1;
        }
      };
      for (const { plain, binary } of this.secrets.values()) {
        for (const re of plain) all(re, view.text, 0);
        // Rescanned per secret rather than kept: a list of every run would cost more than the text.
        BINARY_RUN.lastIndex = 0;
        for (let m = BINARY_RUN.exec(view.text); m !== null; m = BINARY_RUN.exec(view.text)) {
          const at = BINARY_RUN.lastIndex;
          all(binary, m[0], m.index);
          BINARY_RUN.lastIndex = at;
        }
      }
    });
    return complete ? spans : undefined;
  }
}

/** `text` with each union of overlapping or touching spans replaced by one `[redacted]`. */
function replaceSpans(text: string, spans: Array<[number, number]>): string {
  spans.sort((a, b) => a[0] - b[0]);
  const out: string[] = [];
  let at = 0;
  let i = 0;
  while (i < spans.length) {
    let [start, end] = spans[i]!;
    for (i++; i < spans.length && spans[i]![0] <= end; i++) end = Math.max(end, spans[i]![1]);
    out.push(text.slice(at, start), REDACTED);
    at = end;
  }
  out.push(text.slice(at));
  return out.join("");
}
