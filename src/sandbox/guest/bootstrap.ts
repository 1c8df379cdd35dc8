/**
 * The bootstrap script: guest JavaScript that runs in every fresh context before task code.
 *
 * It is deliberately tiny. QuickJS (as WASM) parses only ~8 characters per µs and interprets
 * slowly, and this runs once per attempt: a first, complete 7 KB bootstrap cost 650 µs, several
 * times a bare runtime + context (~100–180 µs). So it only does what must happen before task
 * code runs, and installs everything else as lazy accessors:
 *
 * - every blocked global and the `constructor` of each kind of function's prototype becomes a
 *   non-configurable getter-only accessor that reads as `undefined`, for every attempt whatever
 *   the source says (SPEC 5: the global object can be reached without naming it). Each getter
 *   is the raw bridge bound to the touch's name, so a touch is reported with no guest closure the
 *   task could tamper with; non-configurable, so no task can delete or redefine one and then
 *   read the name unrecorded;
 * - `input`, `task`, `console`, `providers` and `Math.random` are accessors that ask the host to
 *   build the real value on first read (or take an assigned one), then become plain data
 *   properties; for a task that declares no providers, `providers` is a tripwire instead;
 * - the primordials later guest work needs are captured and returned while still pristine.
 *
 * The bridge is a parameter, never a global, so only these bound functions can reach it.
 */
import { BLOCKED_CONSTRUCTORS, BLOCKED_GLOBALS, CONSTRUCTOR_TOUCH_PREFIX, PROVIDERS_GLOBAL } from "../policy";
import { LAZY_GLOBALS } from "./protocol";

export const BOOTSTRAP_FILENAME = "bootstrap.js";

/** The constructor tripwires first, in the order of the bootstrap's function kinds, then the globals. */
const TRIPWIRES = [...BLOCKED_CONSTRUCTORS.map((name) => CONSTRUCTOR_TOUCH_PREFIX + name), ...Object.keys(BLOCKED_GLOBALS)];

/**
 * `bootstrap(bridge, tripwires, lazy)`; the lists travel as comma-separated text (a string literal
 * costs the parser next to nothing, code ~8 characters per µs). They are the same for every
 * attempt but for `providers`, lazy when the task declares providers and a tripwire otherwise:
 * nothing here depends on the task's source.
 */
export function bootstrapArgs(hasProviders: boolean): [string, string] {
  const tripwires = hasProviders ? TRIPWIRES : [...TRIPWIRES, PROVIDERS_GLOBAL];
  const lazy = hasProviders ? LAZY_GLOBALS : LAZY_GLOBALS.filter((name) => name !== PROVIDERS_GLOBAL);
  return [tripwires.join(","), lazy.join(",")];
}

/** Ready-made, so that no attempt pays for building them. */
export const BOOTSTRAP_ARGS = { withProviders: bootstrapArgs(true), withoutProviders: bootstrapArgs(false) } as const;

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
   * The wrapper's marker (see wrapper.ts): sets `returnFlag.r`. While the task is starting
   * (`returnFlag.s`, cleared by the host right after the start) that is all: the host reads the
   * flag and the promise's state itself, at once, with no job queued and no call from the guest
   * (a host call costs ~25 µs, a job more). A body that returns later, in a job, queues one job
   * that tells the host "returned"; it runs before any job the resolution can queue.
   */
  returned: 16,
  returnFlag: 17,
  /** For provider calls refused inside the guest (guest/providers.ts). */
  TypeError: 18,
} as const;

/**
 * `bootstrap(bridge, tripwires, lazy)`, hand-minified because parse time is paid on every attempt.
 * Names: b = bridge, G = globalThis, O = Object, M = Math, D = defineProperty, P = getPrototypeOf,
 * d = the one descriptor every accessor is defined from (pristine Object.prototype: nothing has
 * run yet), A = the wrapper's marker (an async function, so P(A) is AsyncFunction.prototype),
 * F = the prototypes whose `constructor` is a code-generating constructor (Function.prototype
 * is P(Object)). Tripwires are getter-only and non-configurable; lazy globals get a setter and
 * stay configurable (they are replaced by data properties). Messages: a tripwire's is its touch
 * name, a lazy global's `?name` (read) and `=name` (assignment); see protocol.ts.
 */
export const BOOTSTRAP_SOURCE =
  '(function(b,B,L){"use strict";var G=globalThis,O=Object,M=Math,D=O.defineProperty,P=O.getPrototypeOf,d={configurable:!1},i,n,X=O.create(null),' +
  // `await 0` queues its job through the engine's own promise machinery: nothing task code can
  // patch (Promise.prototype.then, species) is consulted.
  "R=b.bind(null,'{\"t\":\"returned\"}'),A=async function(){X.r=1;if(X.s)return;await 0;R()},F=[P(O),P(A),P(function*(){}),P(async function*(){})];X.s=1;" +
  'B=B.split(",");for(i=0;i<B.length;i++){d.get=b.bind(null,B[i]);D(i<4?F[i]:G,i<4?"constructor":B[i],d)}' +
  'L=L.split(",");d.configurable=!0;for(i=0;i<L.length;i++){n=L[i];d.get=b.bind(null,"?"+n);d.set=b.bind(null,"="+n);D(n=="random"?M:G,n,d)}' +
  "return[JSON.stringify,JSON.parse,O.getOwnPropertyDescriptor,P,O.hasOwn,O.create,O.freeze," +
  "String,Reflect.apply,String.prototype.slice,O.prototype.isPrototypeOf,Error.prototype,M.imul,M,G,D,A,X,TypeError]})";

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
