/**
 * Local fakes of the GoHighLevel and Microsoft Graph APIs (and the Microsoft identity token
 * endpoint), on 127.0.0.1 with a free port. They keep contacts and a mailbox, answer in the real
 * APIs' camelCase shapes, record every request exactly as it arrived, and can be told to answer
 * the next requests differently (429, 5xx, a hang) to exercise the clients' failure handling.
 */

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The query string as sent, undecoded ("?$top=10&…"). */
  search: string;
  headers: Record<string, string>;
  /** Raw body text ("" when none). */
  body: string;
}

/** Answers the next request in place of the fake's own logic; return undefined to pass. */
export type Override = (req: Request, seen: Seen) => Response | Promise<Response> | undefined;

export interface Fake {
  url: string;
  seen: Seen[];
  /** Overrides applied to the next requests, one each, in order. */
  next: Override[];
  stop(): void;
}

type Handler = (req: Request, seen: Seen, url: URL) => Response | Promise<Response>;

const json = (body: unknown, status = 200) => Response.json(body, { status });

function serve(handle: Handler): Fake {
  const fake: Fake = { url: "", seen: [], next: [], stop: () => server.stop(true) };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const seen: Seen = {
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        search: url.search,
        headers: Object.fromEntries(req.headers),
        body: await req.text(),
      };
      fake.seen.push(seen);
      const override = fake.next.shift();
      return (await override?.(req, seen)) ?? handle(req, seen, url);
    },
  });
  fake.url = `http://127.0.0.1:${server.port}`;
  return fake;
}

/** A request that answers only after `ms` (the client's deadline should fire first). */
export const hang = (ms = 1500): Override => () => Bun.sleep(ms).then(() => json({}));
export const status = (code: number, body: unknown = { message: `fake ${code}` }, headers: Record<string, string> = {}): Override => () =>
  new Response(JSON.stringify(body), { status: code, headers: { "content-type": "application/json", ...headers } });

export function fakeGhl(token: string): Fake & { contacts: Map<string, Record<string, unknown>> } {
  const contacts = new Map<string, Record<string, unknown>>();
  let n = 0;
  const fake = serve((req, seen) => {
    if (seen.headers.authorization !== `Bearer ${token}`) return json({ statusCode: 401, message: "Invalid JWT" }, 401);
    if (seen.headers.version !== "2021-07-28") return json({ statusCode: 400, message: "Version header missing" }, 400);
    const id = seen.path.match(/^\/contacts\/([^/]+)$/)?.[1];
    if (seen.path === "/contacts/" && seen.method === "POST") {
      const body = JSON.parse(seen.body);
      const contact = { id: `c${++n}`, ...body, dateAdded: "2025-02-01T00:00:00.000Z", dateUpdated: "2025-02-01T00:00:00.000Z" };
      contacts.set(contact.id, contact);
      return json({ contact }, 201);
    }
    if (seen.path === "/contacts/" && seen.method === "GET") {
      const q = (seen.query.query ?? "").toLowerCase();
      const all = [...contacts.values()].filter((c) => q === "" || JSON.stringify(c).toLowerCase().includes(q));
      const limit = Number(seen.query.limit ?? 20);
      return json({ contacts: all.slice(0, limit), meta: { total: all.length } });
    }
    if (id !== undefined) {
      const contact = contacts.get(decodeURIComponent(id));
      if (!contact) return json({ statusCode: 404, message: "Contact not found" }, 404);
      if (seen.method === "GET") return json({ contact });
      if (seen.method === "PUT") {
        Object.assign(contact, JSON.parse(seen.body), { dateUpdated: "2025-02-02T00:00:00.000Z" });
        return json({ succeded: true, contact });
      }
      if (seen.method === "DELETE") {
        contacts.delete(contact.id as string);
        return json({ succeded: true });
      }
    }
    return json({ message: `no route ${seen.method} ${seen.path}` }, 404);
  });
  return Object.assign(fake, { contacts });
}

export interface GraphFake extends Fake {
  /** Base URL for BUDDY_MSGRAPH_BASE_URL (the fake's /v1.0). */
  base: string;
  tokenUrl: string;
  mailbox: Record<string, unknown>[];
  /** Access tokens handed out, in order. */
  tokens: string[];
}

export function fakeGraph(o: { clientId: string; secret: string; sender: string; expiresIn?: number }): GraphFake {
  const tokens: string[] = [];
  const mailbox = [1, 2, 3].map((i) => ({
    id: `AAMk${i}=`,
    subject: i === 2 ? "Budget review" : `Thread ${i}`,
    from: { emailAddress: { address: "alice@example.com", name: "Alice" } },
    body: { contentType: "html", content: `<p>body ${i}</p>` },
    receivedDateTime: `2025-01-0${i}T00:00:00Z`,
    isRead: i !== 1,
    hasAttachments: false,
    "@odata.etag": `W/"${i}"`,
  }));
  const user = `/v1.0/users/${encodeURIComponent(o.sender)}`;
  const fake = serve((req, seen) => {
    if (seen.path === "/tenant/oauth2/v2.0/token") {
      const form = new URLSearchParams(seen.body);
      if (form.get("client_secret") !== o.secret || form.get("client_id") !== o.clientId) {
        return json({ error: "invalid_client", error_description: `AADSTS7000215: Invalid client secret provided: ${form.get("client_secret")}` }, 401);
      }
      tokens.push(`graph-token-${tokens.length + 1}`);
      return json({ token_type: "Bearer", expires_in: o.expiresIn ?? 3599, access_token: tokens.at(-1) });
    }
    if (seen.headers.authorization !== `Bearer ${tokens.at(-1)}`) {
      return json({ error: { code: "InvalidAuthenticationToken", message: "Access token is empty." } }, 401);
    }
    const id = seen.path.match(/\/messages\/([^/]+)/)?.[1];
    const message = id === undefined ? undefined : mailbox.find((m) => m.id === decodeURIComponent(id));
    if (id !== undefined && !message) return json({ error: { code: "ErrorItemNotFound", message: "The specified object was not found in the store." } }, 404);
    const route = `${seen.method} ${seen.path.replace(user, "").replace(/\/messages\/[^/]+/, "/messages/{id}")}`;
    switch (route) {
      case "GET ":
        return json({ id: "user-1", mail: o.sender, userPrincipalName: o.sender });
      case "POST /sendMail":
      case "POST /messages/{id}/reply":
        return new Response(null, { status: 202 });
      case "GET /messages": {
        const search = seen.query.$search?.replace(/"/g, "").toLowerCase();
        const hits = search ? mailbox.filter((m) => JSON.stringify(m).toLowerCase().includes(search)) : mailbox;
        const skip = Number(seen.query.$skip ?? 0);
        const top = Number(seen.query.$top ?? 10);
        return json({ "@odata.count": search ? undefined : hits.length, value: hits.slice(skip, skip + top) });
      }
      case "GET /messages/{id}":
        return json(message);
      case "PATCH /messages/{id}":
        Object.assign(message!, JSON.parse(seen.body));
        return json(message);
      case "DELETE /messages/{id}":
        mailbox.splice(mailbox.indexOf(message!), 1);
        return new Response(null, { status: 204 });
    }
    return json({ error: { code: "BadRequest", message: `no route ${route}` } }, 400);
  });
  return Object.assign(fake, { base: `${fake.url}/v1.0`, tokenUrl: `${fake.url}/tenant/oauth2/v2.0/token`, mailbox, tokens });
}

/** Every spelling of `secret` a hostile echo uses: raw, URL-, form-, JSON-, HTML-encoded, base64, hex, nested. */
export function spellings(secret: string): Record<string, string> {
  const b64 = (t: string, enc: BufferEncoding = "base64") => Buffer.from(t).toString(enc);
  const u = (t: string) => Array.from({ length: t.length }, (_, i) => `\\u${t.charCodeAt(i).toString(16).padStart(4, "0")}`).join("");
  const component = encodeURIComponent(secret);
  return {
    raw: secret,
    component,
    uri: encodeURI(secret),
    form: new URLSearchParams({ s: secret }).toString().slice(2),
    lowerHex: component.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    tildeEncoded: secret.replace(/~/g, "%7E"),
    partial: [...secret].map((c, i) => (i % 2 ? Buffer.from(c).toString("hex").replace(/../g, "%$&") : c)).join(""),
    double: encodeURIComponent(component),
    json: JSON.stringify(secret).slice(1, -1).replace(/\//g, "\\/"),
    jsonU: u(secret),
    jsonUUpper: u(secret).replace(/u([0-9a-f]{4})/g, (_, h: string) => `u${h.toUpperCase()}`),
    jsonInJson: JSON.stringify(JSON.stringify(secret)).slice(1, -1),
    html: [...secret].map((c) => `&#${c.codePointAt(0)};`).join(""),
    basic: b64(`client-id:${secret}`),
    b64a0: b64(secret),
    b64a1: b64(`x${secret}`),
    b64a2: b64(`xy${secret}`),
    b64url: b64(`xy${secret}z`, "base64url"),
    b64form: b64(`id:${new URLSearchParams({ s: secret }).toString().slice(2)}`),
    hex: Buffer.from(secret).toString("hex"),
  };
}

/** A body that pads `text` past `cut` characters with filler, so a cut before redaction would leak it. */
export const pastTheCut = (text: string, cut = 300) => `${"filler ".repeat(Math.ceil(cut / 7) + 10)}${text}`;

/** A server whose body never ends (and lies about its length): reading it all would never finish. */
export function endless(o: { contentLength?: string; status?: number } = {}): { url: string; sent: () => number; cancelled: () => boolean; stop(): void } {
  let sent = 0;
  let cancelled = false;
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch() {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          // Bounded: stops by itself after 1 GiB even if nobody cancels.
          if (sent >= 1024 * 1024 * 1024) return controller.close();
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
        cancel() {
          cancelled = true;
        },
      });
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (o.contentLength !== undefined) headers["content-length"] = o.contentLength;
      return new Response(body, { status: o.status ?? 200, headers });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, sent: () => sent, cancelled: () => cancelled, stop: () => server.stop(true) };
}
