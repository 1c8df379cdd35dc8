/** Credentials come from the environment, are checked before a live run, and never leak. */
import { describe, expect, test } from "bun:test";
import type { Provider } from "../../src/core";
import { checkProviderCredentials, isLiveMode, redact } from "../../src/providers";

const FULL = {
  GHL_API_TOKEN: "ghl-secret-token",
  GHL_LOCATION_ID: "loc1",
  MSGRAPH_TENANT_ID: "tenant",
  MSGRAPH_CLIENT_ID: "client",
  MSGRAPH_CLIENT_SECRET: "s3cr3t/+=",
  MSGRAPH_SENDER: "bot@example.com",
};
const tasks = (...uses: Provider[][]) => uses.map((u, i) => ({ task_id: `t${i + 1}`, uses: u }));

describe("checkProviderCredentials", () => {
  test("dry runs need nothing", () => {
    expect(checkProviderCredentials(tasks(["mployer", "ghl", "msgraph"]), { live: false, env: {} })).toEqual([]);
  });

  test("live runs with every variable set are fine", () => {
    expect(checkProviderCredentials(tasks(["ghl"], ["msgraph"]), { live: true, env: FULL })).toEqual([]);
  });

  test("each missing variable once, naming the first task that needs it", () => {
    const env = { ...FULL, GHL_API_TOKEN: undefined, MSGRAPH_CLIENT_SECRET: "  " };
    const problems = checkProviderCredentials(tasks([], ["msgraph"], ["ghl", "msgraph"], ["ghl"]), { live: true, env });
    expect(problems).toEqual([
      'MSGRAPH_CLIENT_SECRET is not set; task "t2" uses msgraph and --live needs it',
      'GHL_API_TOKEN is not set; task "t3" uses ghl and --live needs it',
    ]);
  });

  test("providers no task uses need nothing", () => {
    expect(checkProviderCredentials(tasks(["ghl"]), { live: true, env: { GHL_API_TOKEN: "token-of-ghl", GHL_LOCATION_ID: "y" } })).toEqual([]);
  });

  test("Mployer cannot run live, and the problem says why", () => {
    const problems = checkProviderCredentials(tasks(["mployer"], ["mployer", "ghl"]), { live: true, env: FULL });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^task "t1" uses mployer: Mployer has no public API/);
    expect(problems[0]).toContain("run without --live");
  });

  test("a base-URL override must be an http(s) URL", () => {
    const problems = checkProviderCredentials(tasks(["msgraph"]), { live: true, env: { ...FULL, BUDDY_MSGRAPH_BASE_URL: "graph.local" } });
    expect(problems).toEqual(["BUDDY_MSGRAPH_BASE_URL is not an http(s) URL (value not shown: it may hold a secret)"]);
  });

  test("a bad base URL's message shows its scheme and host, never a token in its path, query or user part", () => {
    const token = FULL.MSGRAPH_CLIENT_SECRET;
    for (const url of [`ftp://127.0.0.1/${token}`, `ftp://u:${token}@127.0.0.1/?t=${encodeURIComponent(token)}`, `ftp://${token}/`, `${token}`]) {
      const [problem] = checkProviderCredentials(tasks(["msgraph"]), { live: true, env: { ...FULL, BUDDY_MSGRAPH_BASE_URL: url } });
      expect(problem).toStartWith("BUDDY_MSGRAPH_BASE_URL is not an http(s) URL");
      expect(problem).not.toContain(token);
      expect(problem).not.toContain(encodeURIComponent(token));
    }
    const [shown] = checkProviderCredentials(tasks(["msgraph"]), { live: true, env: { ...FULL, BUDDY_MSGRAPH_BASE_URL: `ftp://127.0.0.1/${token}` } });
    expect(shown).toBe('BUDDY_MSGRAPH_BASE_URL is not an http(s) URL: "ftp://127.0.0.1" (path and query not shown)');
  });

  test("problems never contain a secret value", () => {
    const env = { ...FULL, GHL_LOCATION_ID: "" };
    expect(checkProviderCredentials(tasks(["ghl", "msgraph"]), { live: true, env }).join("\n")).not.toContain(FULL.GHL_API_TOKEN);
  });
});

describe("redact", () => {
  test("replaces every secret value, in plain, URL-encoded and JSON-escaped form", () => {
    const text = `token ghl-secret-token; form client_secret=${encodeURIComponent(FULL.MSGRAPH_CLIENT_SECRET)}; raw s3cr3t/+=`;
    expect(redact(text, FULL)).toBe("token [redacted]; form client_secret=[redacted]; raw [redacted]");
    const quoted = { MSGRAPH_CLIENT_SECRET: 'pa"ss\\word' };
    expect(redact(JSON.stringify({ echo: quoted.MSGRAPH_CLIENT_SECRET }), quoted)).toBe('{"echo":"[redacted]"}');
  });

  test("also replaces values obtained at run time (access tokens)", () => {
    expect(redact("Bearer eyJ.abc.def rejected", FULL, ["eyJ.abc.def"])).toBe("Bearer [redacted] rejected");
  });

  test("identifiers are not secrets and unset variables redact nothing", () => {
    expect(redact("location loc1, tenant tenant", FULL)).toBe("location loc1, tenant tenant");
    expect(redact("nothing to hide", { GHL_API_TOKEN: "", MSGRAPH_CLIENT_SECRET: undefined })).toBe("nothing to hide");
  });
});

describe("isLiveMode", () => {
  test("--live or DRY_RUN=false; nothing else turns real calls on", () => {
    expect(isLiveMode(true, {})).toBe(true);
    expect(isLiveMode(undefined, { DRY_RUN: "False " })).toBe(true);
    expect(isLiveMode(undefined, {})).toBe(false);
    expect(isLiveMode(undefined, { DRY_RUN: " " })).toBe(false);
    expect(isLiveMode(undefined, { DRY_RUN: "true" })).toBe(false);
    // The flag, when given, wins: --no-live is a dry run whatever DRY_RUN says.
    expect(isLiveMode(false, { DRY_RUN: "false" })).toBe(false);
    expect(isLiveMode(true, { DRY_RUN: "true" })).toBe(true);
    // A value that is neither is refused, not guessed.
    expect(() => isLiveMode(undefined, { DRY_RUN: "0" })).toThrow('DRY_RUN must be true or false, got "0"');
  });
});
