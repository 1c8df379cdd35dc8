/**
 * The guest serialiser: JSON.stringify as captured before the task ran, with a replacer that
 * bounds what the task's result (or a console argument) may cost before the text exists.
 *
 * - Depth. JSON.stringify's cycle check is quadratic in nesting depth and polls the interrupt
 *   handler only a few times per second (30,000 levels took 3 s, 100,000 would take ~30 s), and
 *   its C recursion runs on the host's native stack, which QuickJS's stack limit does not see.
 *   Nesting past the source-nesting limit is refused, the way deeply nested source is.
 * - Size. String values are counted as they go by, so a result holding a 100 MB string is refused
 *   before a second 100 MB of JSON text is built inside the capped memory.
 * - Time. The replacer is interpreted code, so serialisation now polls the interrupt handler.
 *
 * The replacer keeps the ancestors on a null-prototype object, never an array: array writes can
 * reach setters that task code put on Array.prototype. It returns every value unchanged, so the
 * text is what plain JSON.stringify gives (toJSON runs before the replacer, as without one).
 *
 * `serialiserFactory(stringify, create, maxDepth)` returns `serialise(value, maxChars, strict)`:
 * JSON text, `undefined` (nothing to serialise), or one of `SerialiseRefusal`. `strict` (provider
 * arguments) refuses functions, symbols and BigInts, which plain JSON.stringify drops or turns into
 * `null` without a word: an argument that silently changed on its way to a provider is worse than
 * a refused call. Results and console arguments keep JSON.stringify's own rules.
 */

export const SERIALISER_FILENAME = "serialise.js";

export const SerialiseRefusal = { tooDeep: -1, tooLarge: -2, notJson: -3 } as const;

/**
 * `(stringify, create, maxDepth)` → `serialise(value, maxChars)`, hand-minified because it is
 * parsed in every attempt that returns an object. Names: a = ancestors (null prototype), n = their
 * count, c = string characters so far, f = strict, D/L/F = the private "too deep"/"too large"/"not
 * JSON" signals.
 */
export const SERIALISER_SOURCE =
  '(function(S,C,M){"use strict";var D={},L={},F={};return function(v,m,f){var a=C(null),n=0,c=0;' +
  'function r(k,x){var t=typeof x;if(t==="string"){c+=x.length;if(c>m)throw L;return x}' +
  'if(f&&(t==="function"||t==="symbol"||t==="bigint"))throw F;' +
  'if(t!=="object"||x===null)return x;while(n>0&&a[n-1]!==this)n--;if(n>=M)throw D;a[n++]=x;return x}' +
  `try{return S(v,r)}catch(e){if(e===D)return ${SerialiseRefusal.tooDeep};if(e===L)return ${SerialiseRefusal.tooLarge};` +
  `if(e===F)return ${SerialiseRefusal.notJson};throw e}}})`;
