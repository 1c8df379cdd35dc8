/** The redactor (SPEC 6): every spelling of every secret, in whole texts, leaves nothing behind. */
import { describe, expect, test } from "bun:test";
import { checkProviderCredentials, createMockProviders, MOCK_FULL_STATUS, REDACTED, Redactor, type ProviderResult } from "../../src/providers";
import { isRetryable } from "../../src/core";
import { pastTheCut, spellings } from "./fakes";

const SECRETS = {
  azure: "Qx8~R.yZ_k3-Wm9~",
  metachars: "a.b*c+d?(e)[f]{g}|^$\\/",
  unicode: "pässwörd-😀-ok",
  spaced: "two words & more",
};

describe("every spelling of a secret is replaced", () => {
  for (const [kind, secret] of Object.entries(SECRETS)) {
    const r = new Redactor([secret]);
    for (const [name, spelled] of Object.entries(spellings(secret))) {
      test(`${kind} secret, ${name}`, () => {
        const out = r.redact(`before <${spelled}> after`);
        expect(out).toStartWith("before <");
        expect(out).toEndWith("> after");
        expect(out).toContain(REDACTED);
        expect(r.finds(out)).toBe(false);
        // What is left is the echo's own context (a client id's base64, quotes), never the secret's characters.
        expect(out.slice(8, -7).split(REDACTED).join("").length).toBeLessThanOrEqual(16);
      });
    }
  }
});

describe("whole texts, overlaps and neighbours", () => {
  const secret = SECRETS.azure;
  const r = new Redactor([secret]);

  test("a secret past any cut is still found: redaction sees the whole text", () => {
    const text = pastTheCut(secret, 100_000);
    expect(r.redact(text)).toEndWith(REDACTED);
    expect(r.redact(text)).not.toContain(secret.slice(0, 4) + secret.slice(4));
  });

  test("a secret that contains another is replaced whole, and overlapping secrets leave no piece", () => {
    const both = new Redactor(["inner-secret", "outer-inner-secret-tail"]);
    expect(both.redact("x outer-inner-secret-tail y")).toBe(`x ${REDACTED} y`);
    const overlap = new Redactor(["abcdefgh12", "gh12345678"]);
    expect(overlap.redact("<abcdefgh12345678>")).toBe(`<${REDACTED}>`);
    const repeated = new Redactor(["abababab"]);
    expect(repeated.redact("ababababab!")).toBe(`${REDACTED}!`);
  });

  test("regex metacharacters in a secret are literal", () => {
    const m = new Redactor([SECRETS.metachars]);
    expect(m.redact("a.b*c+d?(e)[f]{g}|^$")).toBe("a.b*c+d?(e)[f]{g}|^$");
    expect(m.redact(`x${SECRETS.metachars}y`)).toBe(`x${REDACTED}y`);
  });

  test("ordinary text around the secret is kept", () => {
    expect(r.redact('{"id":"c1","note":"hello ~ world %7E"}')).toBe('{"id":"c1","note":"hello ~ world %7E"}');
  });

  test("a secret whose own text looks like an escape is found with the rest encoded", () => {
    const secret = "a%41b\\u0042&amp;cdef";
    const odd = new Redactor([secret]);
    const echoes = [
      secret.replace("c", "%63"),
      secret.replace("d", "\\u0064"),
      encodeURIComponent(secret),
      secret.replace("%41", "%2541").replace("e", "%65"),
      JSON.stringify(encodeURIComponent(secret)).slice(1, -1),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ];
    for (const echo of echoes) expect([echo, odd.redact(`<${echo}>`)]).toEqual([echo, `<${REDACTED}>`]);
  });

  test("access tokens added later are redacted from then on", () => {
    const later = new Redactor([secret]);
    expect(later.redact("Bearer eyJ0.abc.def")).toBe("Bearer eyJ0.abc.def");
    later.add("eyJ0.abc.def");
    expect(later.redact("Bearer eyJ0.abc.def")).toBe(`Bearer ${REDACTED}`);
  });
});

describe("secrets too short to redact are refused before a live run", () => {
  test("a short or marker-like secret is an input problem naming the variable, never its value", () => {
    const env = { GHL_API_TOKEN: "abc", GHL_LOCATION_ID: "loc", MSGRAPH_TENANT_ID: "t", MSGRAPH_CLIENT_ID: "c", MSGRAPH_CLIENT_SECRET: "redacted", MSGRAPH_SENDER: "s@example.com" };
    const problems = checkProviderCredentials([{ task_id: "t1", uses: ["ghl", "msgraph"] }], { live: true, env });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toStartWith("GHL_API_TOKEN is shorter than 8 characters");
    expect(problems[1]).toStartWith("MSGRAPH_CLIENT_SECRET is part of the redaction marker");
    expect(problems.join("\n")).not.toContain("abc;");
  });
});

describe("mock state is bounded per run", () => {
  const call = (p: ReturnType<typeof createMockProviders>, method: string, args: unknown[], seq: number): Promise<ProviderResult> =>
    p.call({ provider: "ghl", method, args, task_id: "t", attempt: 1, seq });
  const contact = (i: number, pad = "") => ({ first_name: `F${i}`, last_name: "L", email: `f${i}@example.com`, note: pad });

  test("past its entry bound, createContact answers 507, which is not retried, and nothing is stored", async () => {
    const mock = createMockProviders({ seed: 1, errorRate: 0, limits: { entries: 8, bytes: 1 << 20 } });
    // The seeded mailbox holds 5 entries: 3 contacts fit.
    for (let i = 0; i < 3; i++) expect((await call(mock, "createContact", [contact(i)], i)).ok).toBe(true);
    const full = await call(mock, "createContact", [contact(9)], 9);
    expect(full.ok ? null : full.error).toMatchObject({ code: "PROVIDER_ERROR", status: MOCK_FULL_STATUS });
    expect(isRetryable("PROVIDER_ERROR", { status: MOCK_FULL_STATUS })).toBe(false);
    const listed = await call(mock, "listContacts", [{ limit: 50 }], 10);
    expect((listed as any).value.total_count).toBe(3);
    // Deleting makes room again.
    await call(mock, "deleteContact", [(listed as any).value.contacts[0].id], 11);
    expect((await call(mock, "createContact", [contact(12)], 12)).ok).toBe(true);
  });

  test("past its byte bound, an update that grows a contact answers 507 and leaves it as it was", async () => {
    const mock = createMockProviders({ seed: 1, errorRate: 0, limits: { entries: 100, bytes: 8 * 1024 } });
    const created = (await call(mock, "createContact", [contact(1)], 1)) as any;
    const id = created.value.contact_id;
    const grown = await call(mock, "updateContact", [id, { note: "x".repeat(16 * 1024) }], 2);
    expect(grown.ok ? null : grown.error.status).toBe(MOCK_FULL_STATUS);
    const got = (await call(mock, "getContact", [id], 3)) as any;
    expect(got.value.data.note).toBe("");
    const batch = await mock.call({ provider: "mployer", method: "login", args: [{ email: "a@example.com", password: "pw" }], task_id: "m", attempt: 1, seq: 0 });
    expect(batch.ok).toBe(true);
  });

  test("addToGoHighLevel on a full mock answers 507 rather than counting contacts as failed", async () => {
    const mock = createMockProviders({ seed: 1, errorRate: 0, limits: { entries: 6, bytes: 1 << 20 } });
    const add = await mock.call({ provider: "mployer", method: "addToGoHighLevel", args: [[contact(1), contact(2), contact(3)]], task_id: "m", attempt: 1, seq: 0 });
    expect(add.ok ? null : add.error.status).toBe(MOCK_FULL_STATUS);
  });
});

describe("base64 wrapped in lines", () => {
  test("MIME's 76-column base64 of a long text holding the secret is found across the break", () => {
    const secret = "mime~wrapped-secret.value";
    const r = new Redactor([secret]);
    for (let pad = 40; pad < 60; pad++) {
      const wrapped = Buffer.from(`${"p".repeat(pad)}${secret}tail`).toString("base64").replace(/.{76}/g, "$&\r\n");
      expect(r.finds(r.redact(wrapped))).toBe(false);
      expect(r.redact(wrapped)).toContain(REDACTED);
    }
  });
});

describe("spellings a hostile review found (issue 9.7)", () => {
  const T = "ghl~!*'()%41+ /\\\"tok-9Zq";
  const C = "Gr4ph~s3cr!*'()% +/\\\"é€😀-xy";
  const L = "pässwörd_é.ok!"; // Latin-1 only
  const te = new TextEncoder();
  const b64 = (u: Uint8Array | Buffer) => Buffer.from(u).toString("base64");
  const wrap = (s: string, n: number, sep: string) => s.replace(new RegExp(`(.{${n}})`, "g"), `$1${sep}`);
  const latin1 = (s: string) => Uint8Array.from([...s], (c) => c.codePointAt(0)! & 0xff);
  const pct = (u: Uint8Array) => Array.from(u, (b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join("");
  const named: Record<string, string> = { "!": "&excl;", "*": "&ast;", "(": "&lpar;", ")": "&rpar;", "%": "&percnt;", "+": "&plus;", "/": "&sol;", "\\": "&bsol;", '"': "&quot;", é: "&eacute;", "€": "&euro;", ".": "&period;", _: "&lowbar;", ä: "&auml;", ö: "&ouml;", "😀": "&grinning;" };
  const forms = (s: string): Record<string, string> => ({
    escapeJs: escape(s),
    latin1Pct: pct(latin1(s)),
    quad: encodeURIComponent(encodeURIComponent(encodeURIComponent(encodeURIComponent(s)))),
    htmlNoSemi: [...s].map((c) => `&#${c.codePointAt(0)}`).join(""),
    htmlZeros: [...s].map((c) => `&#${String(c.codePointAt(0)).padStart(12, "0")};`).join(""),
    htmlHexNoSemi: [...s].map((c) => `&#x0000${c.codePointAt(0)!.toString(16)}`).join(""),
    htmlNamed: [...s].map((c) => named[c] ?? c).join(""),
    b64wrapSpace: wrap(b64(te.encode(s)), 4, " "),
    b64wrapCR: wrap(b64(te.encode(s)), 5, "\r"),
    b64wrapFold: wrap(b64(te.encode(`x${s}`)), 10, "\r\n "),
    b64json: b64(te.encode(JSON.stringify({ sub: s }))),
    b64jsonurl: Buffer.from(JSON.stringify({ sub: s })).toString("base64url"),
    b64utf16: b64(Buffer.from(s, "utf16le")),
    b64latin1: b64(latin1(s)),
    basicLatin1: b64(Uint8Array.from([...te.encode("client:"), ...latin1(s)])),
    hexColon: Buffer.from(s).toString("hex").replace(/(..)(?!$)/g, "$1:"),
    pyrepr: Array.from(te.encode(s), (b) => (b >= 0x20 && b < 0x7f && b !== 0x5c && b !== 0x27 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join(""),
    zeroWidth: [...s].join("\u200b"),
    nulSeparated: [...s].join("\u0000"),
    bomInside: `${s.slice(0, 3)}\uFEFF${s.slice(3)}`,
    pctBomInside: encodeURIComponent(`${s.slice(0, 3)}\uFEFF${s.slice(3)}`),
    nfd: s.normalize("NFD"),
    jsonEatsNeighbour: `\\u00${encodeURIComponent(s)}`,
  });
  for (const [kind, secret] of Object.entries({ T, C, L })) {
    const r = new Redactor([secret]);
    for (const [name, spelled] of Object.entries(forms(secret))) {
      test(`${kind}: ${name}`, () => {
        const out = r.redact(`before <${spelled}> after`);
        expect(out).toContain(REDACTED);
        expect(r.finds(out)).toBe(false);
        expect(out.replace(/[\u0000\u200b\uFEFF]/g, "")).not.toContain(secret);
      });
    }
  }

  test("an unknown HTML name, a longest legacy name and ordinary ampersands are read as a browser would", () => {
    const r = new Redactor(["Gr4ph-s€cr€t-xy"]);
    expect(r.redact("Gr4ph-s&frobnicate;cr&euro;t-xy")).toBe(REDACTED);
    expect(r.redact("a=1&b=2&copy=3 &amp; more")).toBe("a=1&b=2&copy=3 &amp; more");
  });

  test("escapes nested deeper than the views see withhold the whole text", () => {
    const r = new Redactor([T]);
    let deep = "x";
    for (let i = 0; i < 7; i++) deep = encodeURIComponent(`%${deep}`);
    expect(r.redact(`plain ${deep}`)).toBe(REDACTED);
    expect(r.redact("%2541 four levels: %25252541")).toBe("%2541 four levels: %25252541");
  });

  test("hostile escape runs are handled in time linear in their size (the suite's 5 s per test bounds it)", () => {
    const r = new Redactor([T, C]);
    expect(r.redact("%FF".repeat(50_000))).toBe("%FF".repeat(50_000));
    const pct2541 = "%2541".repeat(600_000);
    expect(r.redact(pct2541)).toBe(pct2541);
    const hex = `&#${"0".repeat(1_000_000)}`;
    expect(r.redact(hex)).toBe(hex);
  });

  test("a secret of invisible characters and a few visible ones is too short", () => {
    expect(checkProviderCredentials([{ task_id: "t", uses: ["ghl"] }], { live: true, env: { GHL_API_TOKEN: "ab\u200b\u200b\u200b\u200b\u200b\u200b\u200bcd", GHL_LOCATION_ID: "l" } })[0]).toStartWith("GHL_API_TOKEN is shorter than 8 characters");
  });
});
