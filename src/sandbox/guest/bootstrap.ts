/**
 * The bootstrap script: guest JavaScript that runs in every fresh context before task code.
 *
 * It is deliberately tiny. QuickJS (as WASM) parses only ~8 characters per µs and interprets
 * slowly, and this runs once per attempt: a first, complete 7 KB bootstrap cost 650 µs, several
 * times a bare runtime + context (~100–180 µs). So it only does what must happen before task
 * code runs, and installs everything else as lazy accessors:
 *
 * - every blocked global and the `constructor` of each kind of function's prototype and of
 *   InternalError.prototype (reachable through any engine error) becomes a
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

/** The constructor tripwires first, in the order of the bootstrap's prototypes F, then the globals. */
const TRIPWIRES = [...BLOCKED_CONSTRUCTORS.map((name) => CONSTRUCTOR_TOUCH_PREFIX + name), ...Object.keys(BLOCKED_GLOBALS)];

/**
 * `bootstrap(bridge, tripwires, lazy)`; the lists travel as comma-separated text (a string literal
 * costs the parser next to nothing, code ~8 characters per µs). They are the same for every
 * attempt but for `providers`, lazy when the task declares providers and a tripwire otherwise:
 * nothing here depends on the task's source.
 */
function bootstrapArgs(hasProviders: boolean): [string, string] {
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
   * The provider errors this attempt's `providers` delivered (guest/providers.ts), a WeakSet made
   * here, with WeakSet.prototype.has/add (`weakHas`, `weakAdd`) taken while pristine: membership
   * is the only thing that makes a thrown value a PROVIDER_ERROR (classify.ts).
   */
  delivered: 16,
  /**
   * The flags of the wrapper's marker (see wrapper.ts and `bootstrapSource`): `r` is set when the
   * body returned. While the task is starting (`s`, cleared by the host right after the start)
   * that is all: the host reads the flag and the promise's state itself, at once, with no job
   * queued and no call from the guest (a host call costs ~25 µs, a job more). A body that returns
   * later, in a job, queues one job that tells the host "returned"; it runs before any job the
   * resolution can queue.
   */
  returnFlag: 17,
  /** For provider calls refused inside the guest (guest/providers.ts). */
  TypeError: 18,
  weakHas: 19,
  weakAdd: 20,
} as const;

/** The marker's name for a suffix: a global lexical binding, never a property of the global object. */
export const markerName = (suffix: string): string => `$r${suffix}`;

const BOOTSTRAP_HEAD = '(function(b,B,L){"use strict";var G=globalThis,O=Object,M=Math,D=O.defineProperty,P=O.getPrototypeOf,d={configurable:!1},i,n,K,X=O.create(null),W=WeakSet.prototype,E=new WeakSet,' +
  // `await 0` queues its job through the engine's own promise machinery: nothing task code can
  // patch (Promise.prototype.then, species) is consulted.
  "R=b.bind(null,'{\"t\":\"returned\"}'),A=async function(){X.r=1;if(X.s)return;await 0;R()},F=[P(O),P(A),P(function*(){}),P(async function*(){}),InternalError.prototype];X.s=1;";
const BOOTSTRAP_TAIL =
  // The tripwires: the first ones (one per F) on the `constructor` of F's prototypes, the rest on the global.
  `B=B.split(",");for(i=0;i<B.length;i++){d.get=b.bind(null,B[i]);D(i<${BLOCKED_CONSTRUCTORS.length}?F[i]:G,i<${BLOCKED_CONSTRUCTORS.length}?"constructor":B[i],d)}` +
  'L=L.split(",");d.configurable=!0;for(i=0;i<L.length;i++){n=L[i];d.get=b.bind(null,"?"+n);d.set=b.bind(null,"="+n);D(n=="random"?M:G,n,d)}' +
  "return[JSON.stringify,JSON.parse,O.getOwnPropertyDescriptor,P,O.hasOwn,O.create,O.freeze," +
  "String,Reflect.apply,String.prototype.slice,O.prototype.isPrototypeOf,Error.prototype,M.imul,M,G,D,E,X,TypeError,W.has,W.add]})";

/**
 * `bootstrap(bridge, tripwires, lazy)` for an attempt whose wrapper names are `suffix`,
 * hand-minified because parse time is paid on every attempt. Names: b = bridge, G = globalThis,
 * O = Object, M = Math, D = defineProperty, P = getPrototypeOf, d = the one descriptor every
 * accessor is defined from (pristine Object.prototype: nothing has run yet), A = the marker's
 * report (an async function, so P(A) is AsyncFunction.prototype), F = the prototypes whose
 * `constructor` is a blocked constructor (Function.prototype is P(Object); InternalError's is
 * reachable through any engine error), E = the delivered provider errors, K = the wrapper's key.
 * Tripwires are getter-only and non-configurable; lazy globals get a setter and stay configurable
 * (they are replaced by data properties). Messages: a tripwire's is its touch name, a lazy
 * global's `?name` (read) and `=name` (assignment); see protocol.ts.
 *
 * The marker `$r<suffix>` is a global `let`, assigned here: task code can reach it only by
 * writing its name, which it cannot know. `$r(0)` hands out the attempt's key once (to the
 * wrapper's head, the first code that runs); `$r(key)` from the wrapper's tail reports "returned".
 * Only a tail in the same function as the head holds the key (guest/wrapper.ts).
 */
export const bootstrapSource = (suffix: string): string =>
  `let ${markerName(suffix)};${BOOTSTRAP_HEAD}${markerName(suffix)}=function(k){return k===0?K?0:K={}:K&&k===K&&A()};${BOOTSTRAP_TAIL}`;

export const RANDOM_FILENAME = "random.js";

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
