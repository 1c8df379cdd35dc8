/**
 * HTML character references as browsers read them (WHATWG 13.2.5.72–80): `&#N`, `&#xH` with any
 * number of leading zeros and with or without `;`, named references. Only the names that stand for
 * ASCII (all of them) and for Latin-1 (the legacy names that also work without `;`) are decoded;
 * any other `&name;` decodes to UNKNOWN_REFERENCE, which the matcher accepts in place of any
 * non-ASCII character of a secret. So the 2,000-odd HTML5 names need not be listed to be safe.
 */

/** What an `&name;` this table does not know decodes to (a private-use character). */
export const UNKNOWN_REFERENCE = "\uE000";

const ASCII_NAMES: Record<string, number> = {
  Tab: 9, NewLine: 10, excl: 33, quot: 34, QUOT: 34, num: 35, dollar: 36, percnt: 37, amp: 38, AMP: 38, apos: 39,
  lpar: 40, rpar: 41, ast: 42, midast: 42, plus: 43, comma: 44, period: 46, sol: 47, colon: 58, semi: 59,
  lt: 60, LT: 60, equals: 61, gt: 62, GT: 62, quest: 63, commat: 64, lsqb: 91, lbrack: 91, bsol: 92,
  rsqb: 93, rbrack: 93, Hat: 94, lowbar: 95, UnderBar: 95, grave: 96, DiacriticalGrave: 96, lcub: 123,
  lbrace: 123, verbar: 124, vert: 124, VerticalLine: 124, rcub: 125, rbrace: 125,
};
/** U+00A0…U+00FF in order: the HTML 4 Latin-1 names, which HTML5 still reads without `;`. */
const LATIN1 =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot " +
  "cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml " +
  "Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig " +
  "agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute " +
  "ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml";
const NAMES = new Map<string, number>(Object.entries(ASCII_NAMES));
/** Names read even without `;` (legacy): the Latin-1 ones and the four of HTML 2. */
const LEGACY = new Map<string, number>([["amp", 38], ["AMP", 38], ["lt", 60], ["LT", 60], ["gt", 62], ["GT", 62], ["quot", 34], ["QUOT", 34], ["COPY", 0xa9], ["REG", 0xae]]);
LATIN1.split(" ").forEach((name, i) => {
  NAMES.set(name, 0xa0 + i);
  LEGACY.set(name, 0xa0 + i);
});
NAMES.set("COPY", 0xa9).set("REG", 0xae);
const LEGACY_LONGEST = 6;

/** Numeric references to 0x80–0x9F mean Windows-1252 (WHATWG's table). */
const C1: Record<number, number> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021, 0x88: 0x2c6, 0x89: 0x2030,
  0x8a: 0x160, 0x8b: 0x2039, 0x8c: 0x152, 0x8e: 0x17d, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x95: 0x2022,
  0x96: 0x2013, 0x97: 0x2014, 0x98: 0x2dc, 0x99: 0x2122, 0x9a: 0x161, 0x9b: 0x203a, 0x9c: 0x153, 0x9e: 0x17e, 0x9f: 0x178,
};

const isDigit = (c: number) => c >= 48 && c <= 57;
const hexValue = (c: number) => (isDigit(c) ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
const isAlnum = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The reference at `src[i]` (an `&`): [code point, end], or undefined when there is none. */
export function htmlReference(src: string, i: number): [number, number] | undefined {
  let j = i + 1;
  if (src.charCodeAt(j) === 35 /* # */) {
    j++;
    const hex = (src.charCodeAt(j) | 0x20) === 0x78;
    if (hex) j++;
    const start = j;
    let value = 0;
    for (; j < src.length; j++) {
      const d = hex ? hexValue(src.charCodeAt(j)) : isDigit(src.charCodeAt(j)) ? src.charCodeAt(j) - 48 : -1;
      if (d < 0) break;
      // Past U+10FFFF the reference is U+FFFD; keep reading its digits so it ends where a browser's does.
      value = Math.min(value * (hex ? 16 : 10) + d, 0x110000);
    }
    if (j === start) return undefined;
    if (src.charCodeAt(j) === 59 /* ; */) j++;
    const cp = value === 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff) ? 0xfffd : (C1[value] ?? value);
    return [cp, j];
  }
  const start = j;
  while (j < src.length && isAlnum(src.charCodeAt(j))) j++;
  if (j === start) return undefined;
  if (src.charCodeAt(j) === 59) {
    const known = NAMES.get(src.slice(start, j));
    return [known ?? UNKNOWN_REFERENCE.charCodeAt(0), j + 1];
  }
  // Without `;` only a legacy name counts, the longest one the text starts with ("&copyright" is "©right").
  for (let k = Math.min(j, start + LEGACY_LONGEST); k > start; k--) {
    const legacy = LEGACY.get(src.slice(start, k));
    if (legacy !== undefined) return [legacy, k];
  }
  return undefined;
}
