/**
 * The one redactor of secrets (SPEC 6): every text that leaves the provider layer (answer
 * bodies, error messages, fetch failures) goes through `Redactor.redact` whole, before anything
 * cuts it short. A secret is found spelled raw or in any mix of URL, JSON and HTML escapes, nested
 * up to three deep (see views.ts), and in base64 and hex of its usual byte forms (see binary.ts);
 * every span found is
 * merged with its neighbours and replaced by one `[redacted]`, so a secret that contains another,
 * or two that overlap, leave no piece behind.
 */
import { binaryPatterns } from "./binary";
import { originalSpan, viewsOf } from "./views";

export const REDACTED = "[redacted]";

/**
 * Shorter secrets are refused before a run starts: a secret of a few characters cannot be told
 * apart from ordinary text, so it could not be kept out of outputs without destroying them.
 */
export const MIN_SECRET_LENGTH = 8;

/** The byte strings whose base64 or hex could carry `secret`: raw, and as forms encode it. */
function byteForms(secret: string): Uint8Array[] {
  const utf8 = new TextEncoder();
  const component = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const texts = new Set([secret, component, form, encodeURI(secret), component.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())]);
  return [...texts].map((t) => utf8.encode(t));
}

interface Compiled {
  /**
   * The secret as patterns (a space may also be written `+`, as forms do): itself, and as each
   * decoding round reads it. A secret whose own text looks like an escape (`a%41b`) and is echoed
   * with the rest encoded reads, in a decoded view, as the secret decoded the same number of times.
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
      if (s.trim() === "" || this.secrets.has(s)) continue;
      const literal = (t: string) => new RegExp(t.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&").replace(/ /g, "[ +]"), "g");
      const plain = [...new Set(viewsOf(s).map((v) => v.text))].map(literal);
      const binary = new RegExp(byteForms(s).flatMap(binaryPatterns).join("|"), "g");
      this.secrets.set(s, { plain, binary });
    }
  }

  /** `text` with every spelling of every secret replaced by `[redacted]`. */
  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    // A replacement could join two pieces into a new spelling; a few passes reach a fixed point.
    for (let pass = 0; pass < 4; pass++) {
      const spans = this.spans(text);
      if (spans.length === 0) return text;
      text = replaceSpans(text, spans);
    }
    // Still not clean after four passes: withhold the text rather than risk a piece of a secret.
    return this.spans(text).length === 0 ? text : REDACTED;
  }

  /** True when `text` holds a spelling of a secret. */
  finds(text: string): boolean {
    return this.secrets.size > 0 && this.spans(text).length > 0;
  }

  private spans(text: string): Array<[number, number]> {
    const spans: Array<[number, number]> = [];
    const views = viewsOf(text);
    for (const { plain, binary } of this.secrets.values()) {
      for (const view of views) {
        for (const re of [...plain, binary]) {
          re.lastIndex = 0;
          // Every start, overlapping ones included ("abab" twice in "ababab").
          for (let m = re.exec(view.text); m !== null; m = re.exec(view.text)) {
            spans.push(originalSpan(view, m.index, m.index + m[0].length));
            re.lastIndex = m.index + 1;
          }
        }
      }
    }
    return spans;
  }
}

/** `text` with each union of overlapping or touching spans replaced by one `[redacted]`. */
function replaceSpans(text: string, spans: Array<[number, number]>): string {
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  let i = 0;
  while (i < spans.length) {
    let [start, end] = spans[i]!;
    for (i++; i < spans.length && spans[i]![0] <= end; i++) end = Math.max(end, spans[i]![1]);
    out += text.slice(at, start) + REDACTED;
    at = end;
  }
  return out + text.slice(at);
}
