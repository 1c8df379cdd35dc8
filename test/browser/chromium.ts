/**
 * A headless Chromium driven over the DevTools protocol with Bun's own WebSocket (no new
 * dependency), to check that the HTML report really loads: what the page logged as an error,
 * what it tried to fetch, and what it evaluates to.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where CI installs it (`apt-get install chromium`); CHROMIUM overrides it. */
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const hasChromium = () => existsSync(CHROMIUM);

const LOAD_TIMEOUT_MS = 30_000;

export interface PageVisit {
  /** console.error calls, uncaught exceptions and browser log entries of level error. */
  errors: string[];
  /** Every URL the page requested, the page itself included. */
  requests: string[];
  /** The values of the expressions asked for, in order. */
  values: unknown[];
}

type Message = { id?: number; method?: string; params?: any; result?: any; error?: { message: string }; sessionId?: string };

/** One DevTools connection: commands by id, events to one listener. */
class Cdp {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  #next = 1;
  onEvent: (m: Message) => void = () => {};

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (e) => {
      const m: Message = JSON.parse(String(e.data));
      const waiting = m.id === undefined ? undefined : this.#pending.get(m.id);
      if (!waiting) return this.onEvent(m);
      this.#pending.delete(m.id!);
      if (m.error) waiting.reject(new Error(m.error.message));
      else waiting.resolve(m.result);
    };
  }

  static open(url: string): Promise<Cdp> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new Cdp(ws));
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = this.#next++;
    this.#ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
  }

  close(): void {
    this.#ws.close();
  }
}

/** Chromium prints its DevTools address on stderr once it listens. */
async function devtoolsUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stderr.getReader();
  let text = "";
  for (;;) {
    const found = text.match(/DevTools listening on (ws:\/\/\S+)/);
    if (found) {
      reader.releaseLock();
      return found[1]!;
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`chromium exited before it listened:\n${text}`);
    text += new TextDecoder().decode(value);
  }
}

/**
 * Opens `url` in a fresh headless Chromium at `width` × 800 CSS pixels, waits for its load event,
 * evaluates `expressions` in the page, and closes the browser.
 */
export async function visit(url: string, expressions: readonly string[], width = 1024): Promise<PageVisit> {
  const profile = mkdtempSync(join(tmpdir(), "buddy-chromium-"));
  const browser = Bun.spawn([CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank"], {
    stdin: "ignore", stdout: "ignore", stderr: "pipe",
  });
  const cdp = await Cdp.open(await devtoolsUrl(browser.stderr));
  try {
    const visit: PageVisit = { errors: [], requests: [], values: [] };
    let loaded: () => void = () => {};
    const load = new Promise<void>((resolve) => (loaded = resolve));
    cdp.onEvent = ({ method, params }) => {
      if (method === "Runtime.consoleAPICalled" && params.type === "error") visit.errors.push(`console.error: ${params.args.map((a: any) => a.value ?? a.description).join(" ")}`);
      if (method === "Runtime.exceptionThrown") visit.errors.push(`exception: ${params.exceptionDetails.exception?.description ?? params.exceptionDetails.text}`);
      if (method === "Log.entryAdded" && params.entry.level === "error") visit.errors.push(`log: ${params.entry.text} ${params.entry.url ?? ""}`.trim());
      if (method === "Network.requestWillBeSent") visit.requests.push(params.request.url);
      if (method === "Page.loadEventFired") loaded();
    };
    const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true });
    for (const domain of ["Runtime", "Log", "Network", "Page"]) await cdp.send(`${domain}.enable`, {}, sessionId);
    await cdp.send("Emulation.setDeviceMetricsOverride", { width, height: 800, deviceScaleFactor: 1, mobile: false }, sessionId);
    await cdp.send("Page.navigate", { url }, sessionId);
    // A page that never loads fails here, with the browser closed, not at the test's timeout.
    let timer: Timer | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${url} did not load in ${LOAD_TIMEOUT_MS} ms`)), LOAD_TIMEOUT_MS)));
    await Promise.race([load, late]).finally(() => clearTimeout(timer));
    for (const expression of expressions) {
      const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", { expression, returnByValue: true }, sessionId);
      if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      visit.values.push(result.value);
    }
    return visit;
  } finally {
    cdp.close();
    browser.kill();
    await browser.exited;
    rmSync(profile, { recursive: true, force: true });
  }
}
