/**
 * The host's provider answers as the guest receives them (src/sandbox/provider-answer.ts): always
 * `{ok, value}` or `{ok: false, error}` with exactly SPEC 6's error fields, whatever came back.
 */
import { describe, expect, test } from "bun:test";
import { answerEnvelope } from "../../src/sandbox/provider-answer";

const call = { provider: "ghl", method: "createContact" };
const envelope = (text: string | undefined, limit = 1 << 20) => JSON.parse(answerEnvelope(text, call, limit));

describe("answerEnvelope", () => {
  test("a value passes through; a missing value becomes null, so the guest never reads a prototype", () => {
    expect(envelope('{"ok":true,"value":{"id":"c1"}}')).toEqual({ ok: true, value: { id: "c1" } });
    expect(envelope('{"ok":true}')).toEqual({ ok: true, value: null });
  });

  test("an error keeps exactly SPEC 6's fields, named after the call that was made", () => {
    const text = JSON.stringify({
      ok: false,
      error: { code: "PROVIDER_ERROR", provider: "other", method: "other", status: 429, message: "slow down", retry_after: 3, stack: "x", token: "t" },
    });
    expect(envelope(text)).toEqual({
      ok: false,
      error: { code: "PROVIDER_ERROR", provider: "ghl", method: "createContact", status: 429, message: "slow down", retry_after: 3 },
    });
  });

  test("a failed host, a malformed answer and a bad status become neutral provider errors", () => {
    expect(envelope(undefined).error).toMatchObject({ code: "PROVIDER_ERROR", status: 500 });
    for (const text of ["not json", "null", '{"ok":"yes"}', '{"ok":false}']) expect(envelope(text).error.status).toBe(502);
    const odd = envelope('{"ok":false,"error":{"status":42.5,"message":7,"retry_after":-1}}').error;
    expect(odd).toEqual({ code: "PROVIDER_ERROR", provider: "ghl", method: "createContact", status: 502, message: "the provider call failed" });
  });

  test("an answer too large for the task's memory is refused with 413 instead of being copied in", () => {
    const big = JSON.stringify({ ok: true, value: "x".repeat(2000) });
    expect(envelope(big, 1000).error).toMatchObject({ status: 413 });
    expect(envelope(big, 4000).value).toHaveLength(2000);
  });
});
