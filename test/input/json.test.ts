/** The strict JSON rules of task lines (src/input/json.ts), at their edges. */
import { describe, expect, test } from "bun:test";
import { MAX_JSON_DEPTH, parseStrictJson, tooDeepAt } from "../../src/input/json";

const nested = (levels: number, open = "[", close = "]") => `${open.repeat(levels)}${close.repeat(levels)}`;

describe("depth is counted on the text, outside strings", () => {
  test("exactly the limit passes, one more is refused, under the top-level key", () => {
    expect(tooDeepAt(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(tooDeepAt(nested(MAX_JSON_DEPTH + 1))).toBe("(line)");
    expect(tooDeepAt(`{"a":1,"deep":${nested(MAX_JSON_DEPTH)}}`)).toBe("deep");
    expect(tooDeepAt(`{"a":1,"ok":${nested(MAX_JSON_DEPTH - 1)}}`)).toBeUndefined();
  });

  test("brackets inside strings, escaped quotes and escaped keys do not fool it", () => {
    const inString = `{"s":"\\"${"[".repeat(2000)}\\\\","t":1}`;
    expect(tooDeepAt(inString)).toBeUndefined();
    expect(parseStrictJson(inString).ok).toBe(true);
    expect(tooDeepAt(`{"k\\"ey":${nested(600, "{\"a\":", "}")}}`)).toBe('k"ey');
  });

  test("a 1 MiB line of brackets is refused without being parsed", () => {
    const parsed = parseStrictJson(nested(512 * 1024));
    expect(parsed).toEqual({ ok: false, problems: [{ field: "(line)", message: "is nested deeper than 512 levels" }] });
  });
});

describe("values JSON.parse would change", () => {
  test("overflowing numbers are named by path; large finite ones pass", () => {
    expect(parseStrictJson('{"a":[1,{"b":-1e309}]}')).toEqual({ ok: false, problems: [{ field: "a[1].b", message: "is a number too large for a double (beyond ±1.8e308)" }] });
    expect(parseStrictJson("1.7976931348623157e308")).toEqual({ ok: true, value: 1.7976931348623157e308 });
    // A long mantissa overflows with a two-digit exponent, and leading zeros pad the exponent.
    expect(parseStrictJson(`{"m":1${"0".repeat(210)}e99}`)).toMatchObject({ ok: false, problems: [{ field: "m" }] });
    expect(parseStrictJson('{"z":1e0309}')).toMatchObject({ ok: false, problems: [{ field: "z" }] });
    expect(parseStrictJson('{"n":"1e999"}').ok).toBe(true); // a string, not a number
  });

  test("lone surrogates in values and keys; pairs, raw or escaped, pass", () => {
    expect(parseStrictJson('{"a":"\\udfff"}')).toEqual({ ok: false, problems: [{ field: "a", message: "contains a lone UTF-16 surrogate (not valid Unicode)" }] });
    expect(parseStrictJson(`{"a":"\ud800"}`).ok).toBe(false);
    expect(parseStrictJson('{"\\ud800":1}')).toEqual({ ok: false, problems: [{ field: "\ufffd", message: "is a key with a lone UTF-16 surrogate (not valid Unicode)" }] });
    expect(parseStrictJson('{"a":"\\ud83d\\ude00","b":"😀"}')).toEqual({ ok: true, value: { a: "😀", b: "😀" } });
  });
});
