/**
 * The messages the bootstrap's bound functions (and the provider methods, guest/providers.ts)
 * send through the raw bridge: JSON text fixed when those functions are made (sandbox-notes
 * 3(f), "Safe pattern"). A `lazy-set` message arrives together with the assigned value, which the
 * host stores without reading it; a `call` message together with the call's arguments as JSON
 * text, serialised inside the guest.
 */

export const CONSOLE_LEVELS = ["log", "info", "warn", "error", "debug"] as const;
export type ConsoleLevel = (typeof CONSOLE_LEVELS)[number];

/** Globals built on first read; `random` lives on `Math`. */
export const LAZY_GLOBALS = ["input", "task", "console", "providers", "random"] as const;
export type LazyGlobal = (typeof LAZY_GLOBALS)[number];

export type GuestMessage =
  | { t: "touch"; name: string }
  | { t: "lazy"; name: LazyGlobal }
  | { t: "lazy-set"; name: LazyGlobal }
  | { t: "returned" }
  | { t: "call"; p: string; m: string };

/** Bridge messages are short; anything longer did not come from the bootstrap. */
const MESSAGE_LIMIT = 200;

/**
 * The message in `text`, or undefined when it is not one the bootstrap sends. The bootstrap's
 * accessors, made on every attempt, carry short forms that cost the guest no string building: a
 * bare touch name, `?name` (a lazy global read) and `=name` (assigned); the rest is JSON.
 */
export function parseMessage(text: string): GuestMessage | undefined {
  if (text.length > MESSAGE_LIMIT) return undefined;
  if (text[0] === "?" || text[0] === "=") {
    const name = text.slice(1);
    return isLazy(name) ? { t: text[0] === "?" ? "lazy" : "lazy-set", name } : undefined;
  }
  if (text[0] !== "{") return { t: "touch", name: text };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if (m.t === "touch" && typeof m.name === "string") return { t: "touch", name: m.name };
  if (m.t === "returned") return { t: "returned" };
  if (m.t === "call" && typeof m.p === "string" && typeof m.m === "string") return { t: "call", p: m.p, m: m.m };
  if ((m.t === "lazy" || m.t === "lazy-set") && isLazy(m.name)) return { t: m.t, name: m.name };
  return undefined;
}

const isLazy = (v: unknown): v is LazyGlobal => (LAZY_GLOBALS as readonly unknown[]).includes(v);
