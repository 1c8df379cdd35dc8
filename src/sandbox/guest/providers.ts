/**
 * The guest's `providers` global (SPEC 6), built on its first read in a task that declares
 * providers in `uses`: `providers.<name>` for each declared provider, an object with exactly that
 * provider's methods; for each provider it does not declare, a tripwire accessor that records a
 * NETWORK_ACCESS_ATTEMPT and reads as `undefined`.
 *
 * A method call, all inside the guest until the bridge:
 * 1. its arguments (trailing `undefined`s dropped, as if not passed) become JSON text through the
 *    guest serialiser in strict mode (captured JSON.stringify; functions, symbols and BigInts,
 *    nesting past the source-nesting limit and text past `PROVIDER_ARGS_LIMIT` are refused): a
 *    refused call rejects with a TypeError and never reaches the host;
 * 2. the raw bridge gets a `call` message fixed when the method was made, plus that text, and
 *    answers with a promise made by `context.newPromise()`, which the host resolves with JSON text
 *    of `{ok, value}` or `{ok: false, error}` once the provider answered (quickjs/calls.ts);
 * 3. the text is parsed with the captured JSON.parse: the method's promise fulfils with `value` or
 *    rejects with the plain `error` object, exactly SPEC 6's fields, frozen (its status and
 *    retry_after cannot be edited) and remembered in the bootstrap's WeakSet of delivered errors
 *    (added to with the pristine WeakSet.prototype.add): only such an object, thrown on by the
 *    task or not, is a PROVIDER_ERROR (classify.ts); a look-alike the task built is its own error.
 *
 * The host resolves its promise only ever with a string: a string runs no guest code on its way
 * into a promise (an object's `then` would be looked up), so settling cannot fail or stall.
 *
 * Built from the primordials the bootstrap captured (task code may have replaced globals by the
 * time `providers` is first read); properties are defined with null-prototype descriptors, so
 * accessors task code put on Object.prototype never see them.
 */
import { PROVIDERS } from "../../core";
import { PROVIDER_METHODS } from "../../providers";
import { PROVIDER_ARGS_LIMIT } from "../limits";
import { providerTouch } from "../policy";
import { Primordial } from "./bootstrap";
import type { GuestMessage } from "./protocol";
import { SerialiseRefusal } from "./serialise";

export const PROVIDERS_FILENAME = "providers.js";

/**
 * What `providers` holds for a task declaring `uses`, as JSON text for the factory: per provider
 * `[name, [[method, callMessage], …]]` when declared, `[name, touchMessage]` when not.
 */
export function providersSpec(uses: readonly string[]): string {
  const message = (m: GuestMessage) => JSON.stringify(m);
  return JSON.stringify(
    PROVIDERS.map((p) =>
      uses.includes(p)
        ? [p, PROVIDER_METHODS[p].map((m) => [m, message({ t: "call", p, m })])]
        : [p, message({ t: "touch", name: providerTouch(p) })],
    ),
  );
}

/** Whether a bridge `call` names a method of a provider the task declared. */
export function isDeclaredCall(uses: readonly string[], provider: string, method: string): boolean {
  if (!uses.includes(provider) || !Object.hasOwn(PROVIDER_METHODS, provider)) return false;
  return (PROVIDER_METHODS[provider as keyof typeof PROVIDER_METHODS] as readonly string[]).includes(method);
}

const P = Primordial;
const R = SerialiseRefusal;

/** `(primordials, bridge, serialise, spec)` → the `providers` object. */
export const PROVIDERS_SOURCE = `(function (P, bridge, serialise, spec) {
"use strict";
var parse = P[${P.parse}], define = P[${P.defineProperty}], create = P[${P.create}], freeze = P[${P.freeze}];
var TypeError = P[${P.TypeError}], LIMIT = ${PROVIDER_ARGS_LIMIT};
var apply = P[${P.apply}], delivered = P[${P.delivered}], remember = P[${P.weakAdd}];

function prop(object, key, value, getter) {
  var d = create(null);
  if (getter) d.get = getter;
  else { d.value = value; d.enumerable = true; }
  define(object, key, d);
}

function refusal(label, code) {
  if (code === ${R.tooDeep}) return label + ": the arguments nest too deeply";
  if (code === ${R.notJson}) return label + ": the arguments must be JSON (no functions, symbols or BigInts)";
  return label + ": the arguments are larger than " + LIMIT + " characters of JSON";
}

function method(message, label) {
  return async function (...args) {
    var n = args.length;
    while (n > 0 && args[n - 1] === void 0) n--;
    args.length = n;
    var json = serialise(args, LIMIT, 1);
    if (typeof json !== "string" || json.length > LIMIT) throw new TypeError(refusal(label, json));
    var answer = parse(await bridge(message, json));
    if (answer.ok) return answer.value;
    var error = freeze(answer.error);
    apply(remember, delivered, [error]);
    throw error;
  };
}

function tripwire(message) {
  return function () { bridge(message); };
}

var entries = parse(spec), providers = {};
for (var i = 0; i < entries.length; i++) {
  var name = entries[i][0], methods = entries[i][1];
  if (typeof methods === "string") { prop(providers, name, void 0, tripwire(methods)); continue; }
  var provider = {};
  for (var k = 0; k < methods.length; k++) {
    prop(provider, methods[k][0], method(methods[k][1], name + "." + methods[k][0]));
  }
  prop(providers, name, freeze(provider));
}
return freeze(providers);
})`;
