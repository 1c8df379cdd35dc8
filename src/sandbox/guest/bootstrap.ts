/**
 * The bootstrap script: guest JavaScript that runs in every fresh context before task code.
 *
 * It is deliberately tiny. QuickJS (as WASM) parses only ~8 characters per µs and interprets
 * slowly, and this runs once per attempt: a first, complete 7 KB bootstrap cost 650 µs, several
 * times a bare runtime + context (~100–180 µs). So it only does what must happen before task
 * code runs, and installs everything else as lazy accessors:
 *
 * - blocked globals and the hidden function constructors become accessors that read as
 *   `undefined`; each getter is the raw bridge bound to a fixed JSON message, so a touch is
 *   reported with no guest closure the task could tamper with, and no existing property needs
 *   deleting (defining an accessor over a configurable data property replaces it);
 * - `input`, `task`, `console`, `providers` and `Math.random` are accessors that ask the host to
 *   build the real value on first read (or take an assigned one), then become plain data
 *   properties; for a task that declares no providers, `providers` is a tripwire instead;
 * - the primordials later guest work needs are captured and returned while still pristine.
 *
 * The bridge is a parameter, never a global, so only these bound functions can reach it.
 */
import { BLOCKED_CONSTRUCTORS, BLOCKED_GLOBALS, globalsUsedBy, PROVIDERS_GLOBAL } from "../policy";
import { LAZY_GLOBALS } from "./protocol";

export const BOOTSTRAP_FILENAME = "bootstrap.js";

const BLOCKED_NAMES = Object.keys(BLOCKED_GLOBALS);
/** Lazy globals that live on the global object; `random` is on `Math`, reachable without it. */
const LAZY_ON_GLOBAL = LAZY_GLOBALS.filter((name) => name !== "random");

/**
 * `bootstrap(bridge, blocked, constructors, lazy)`; the lists travel as comma-separated text and
 * hold only the globals this source can reach (see `globalsUsedBy`). `providers` is lazy when the
 * task declares providers, and blocked otherwise.
 */
export function bootstrapArgs(code: string, hasProviders: boolean): string[] {
  const blocked = hasProviders ? BLOCKED_NAMES : [...BLOCKED_NAMES, PROVIDERS_GLOBAL];
  const lazy = hasProviders ? LAZY_ON_GLOBAL : LAZY_ON_GLOBAL.filter((name) => name !== PROVIDERS_GLOBAL);
  return [globalsUsedBy(code, blocked).join(","), BLOCKED_CONSTRUCTORS.join(","), [...globalsUsedBy(code, lazy), "random"].join(",")];
}

/** Positions in the primordials array the bootstrap returns. */
export const Primordial = {
  stringify: 0,
  parse: 1,
  getOwnPropertyDescriptor: 2,
  getPrototypeOf: 3,
  hasOwn: 4,
  create: 5,
  freeze: 6,
  String: 7,
  apply: 8,
  stringSlice: 9,
  isPrototypeOf: 10,
  ErrorPrototype: 11,
  imul: 12,
  Math: 13,
  global: 14,
  defineProperty: 15,
  /**
   * The wrapper's marker (see wrapper.ts): sets `returnFlag.r` at once, then queues one job that
   * tells the host "returned". The flag costs no host call on the common, successful path; the
   * host reads it only when the task's promise was rejected.
   */
  returned: 16,
  returnFlag: 17,
  /** For provider calls refused inside the guest (guest/providers.ts). */
  TypeError: 18,
} as const;

/**
 * `bootstrap(bridge, blocked, constructors, lazy)`, hand-minified because parse time is paid on
 * every attempt. Names: b = bridge, G = globalThis, O = Object, M = Math, D = defineProperty,
 * T(holder, key, getMessage, setMessage?) installs one bridge-bound accessor, F = a function of
 * each kind whose prototype's `constructor` is a code-generating constructor.
 */
export const BOOTSTRAP_SOURCE =
  '(function(b,B,C,L){"use strict";var G=globalThis,O=Object,M=Math,D=O.defineProperty,i,n,X=O.create(null),R=b.bind(null,\'{"t":"returned"}\'),' +
  "F=[function(){},async function(){},function*(){},async function*(){}];" +
  "function T(h,k,g,s){D(h,k,s?{get:b.bind(null,g),set:b.bind(null,s),configurable:!0}:{get:b.bind(null,g),configurable:!0})}" +
  `B=B?B.split(","):[];for(i=0;i<B.length;i++)T(G,B[i],'{"t":"touch","name":"'+B[i]+'"}');` +
  `C=C.split(",");for(i=0;i<4;i++)T(O.getPrototypeOf(F[i]),"constructor",'{"t":"touch","name":"ctor:'+C[i]+'"}');` +
  `L=L.split(",");for(i=0;i<L.length;i++){n=L[i];T(n=="random"?M:G,n,'{"t":"lazy","name":"'+n+'"}','{"t":"lazy-set","name":"'+n+'"}')}` +
  "return[JSON.stringify,JSON.parse,O.getOwnPropertyDescriptor,O.getPrototypeOf,O.hasOwn,O.create,O.freeze," +
  "String,Reflect.apply,String.prototype.slice,O.prototype.isPrototypeOf,Error.prototype,M.imul,M,G,D," +
  // `await 0` queues its job through the engine's own promise machinery: nothing task code can
  // patch (Promise.prototype.then, species) is consulted.
  "async function(){X.r=1;await 0;R()},X,TypeError]})";

/**
 * `random(seed, imul)` → Math.random: mulberry32, the algorithm of src/core/rng.ts, so a seed
 * gives the same sequence in guest and host. Compiled only when a task reads Math.random.
 */
export const RANDOM_SOURCE = `(function (seed, imul) {
"use strict";
return function random() {
var t = seed = seed + 0x6d2b79f5 | 0;
t = imul(t ^ t >>> 15, t | 1);
t ^= t + imul(t ^ t >>> 7, t | 61);
return ((t ^ t >>> 14) >>> 0) / 4294967296;
};
})`;
