/**
 * Characters a reader does not see: controls other than tab and line breaks, format characters
 * (zero-width spaces and joiners, bidi marks, the BOM) and every default-ignorable code point.
 * An upstream that puts one between each character of a secret (UTF-16 read as UTF-8 gives a NUL
 * after each) still shows the secret to anyone who strips them, so the matcher skips them.
 */
let bmp: Uint8Array | undefined;

/** True when code point `cp` is invisible. */
export function isInvisible(cp: number): boolean {
  if (cp < 0x10000) {
    if (bmp === undefined) {
      bmp = new Uint8Array(0x10000);
      const re = /^[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]$/u;
      for (let c = 0; c < 0x10000; c++) if ((c < 0xd800 || c > 0xdfff) && re.test(String.fromCharCode(c))) bmp[c] = 1;
      for (const keep of [0x09, 0x0a, 0x0d]) bmp[keep] = 0;
    }
    return bmp[cp] === 1;
  }
  // The astral ones (Unicode 15): tags and variation selectors, musical and shorthand format controls.
  return (cp >= 0xe0000 && cp <= 0xe0fff) || (cp >= 0x1d173 && cp <= 0x1d17a) || (cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x13430 && cp <= 0x1343f) || cp === 0x110bd || cp === 0x110cd;
}
