/**
 * Guest helpers compiled on first use in an attempt (most attempts never need them): describing
 * a thrown value and formatting console arguments. They may run after task code replaced
 * globals or polluted prototypes, so they use only the primordials the bootstrap captured, write
 * only to null-prototype objects, and never iterate with the (replaceable) iterator protocol.
 *
 * Console arguments are serialised with the guest serialiser (./serialise.ts), so an object
 * nested too deeply or too large to show cannot stall the attempt inside JSON.stringify.
 *
 * `helpers(P, serialise)` returns `helper(kind, ...)`:
 * - `helper(HelperCall.describe, thrown)` → JSON text of the thrown value's own data properties
 *   (see classify.ts `ThrownDescription`), each text capped at 1 KiB, and `delivered` when it is
 *   an error object this attempt's `providers` delivered (the bootstrap's WeakSet; its `has` as
 *   captured, so nothing the task patched answers);
 * - `helper(HelperCall.format, budget, ...args)` → one console line as JSON text, at most
 *   `budget + 1` characters (one more than allowed, so the host can tell the line was cut).
 */
import { ERROR_TEXT_LIMIT } from "../limits";
import { Primordial } from "./bootstrap";
import { SerialiseRefusal } from "./serialise";

export const HELPERS_FILENAME = "helpers.js";

export const HelperCall = { describe: 0, format: 1 } as const;

/** Own data properties read from a thrown value; the host checks their types (classify.ts). */
const THROWN_FIELDS = ["name", "message", "code", "retryable", "status", "retry_after", "lineNumber", "stack"];

const P = Primordial;

export const HELPERS_SOURCE = `(function (P, serialise) {
"use strict";
var stringify = P[${P.stringify}], getOwn = P[${P.getOwnPropertyDescriptor}], getProto = P[${P.getPrototypeOf}];
var hasOwn = P[${P.hasOwn}], create = P[${P.create}], toText = P[${P.String}], apply = P[${P.apply}];
var slice = P[${P.stringSlice}], isProtoOf = P[${P.isPrototypeOf}], ErrorProto = P[${P.ErrorPrototype}];
var delivered = P[${P.delivered}], isDelivered = P[${P.weakHas}];
var TEXT_LIMIT = ${ERROR_TEXT_LIMIT}, FIELDS = ${JSON.stringify(THROWN_FIELDS)}, ABSENT = {}, ACCESSOR = {};

function cut(s, n) { return s.length > n ? apply(slice, s, [0, n]) : s; }

function ownData(object, key) {
  var descriptor = getOwn(object, key);
  if (descriptor === undefined) return ABSENT;
  return hasOwn(descriptor, "value") ? descriptor.value : ACCESSOR;
}

function describe(thrown) {
  var d = create(null), type = typeof thrown;
  if (thrown === null || (type !== "object" && type !== "function")) {
    d.primitive = thrown === null ? "null" : type;
    d.message = cut(type === "string" ? thrown : toText(thrown), TEXT_LIMIT);
    return d;
  }
  if (apply(isDelivered, delivered, [thrown])) d.delivered = true;
  try {
    for (var i = 0; i < FIELDS.length; i++) {
      var value = ownData(thrown, FIELDS[i]), valueType = typeof value;
      if (value === ABSENT) continue;
      if (value === ACCESSOR) { d.accessor = true; continue; }
      if (valueType === "string") {
        // A long stack is only cut (its first frames are the ones shown); a long message says so.
        if (value.length > TEXT_LIMIT && FIELDS[i] !== "stack") d.huge = true;
        d[FIELDS[i]] = cut(value, TEXT_LIMIT);
      } else if (valueType === "number" || valueType === "boolean") {
        d[FIELDS[i]] = value;
      }
    }
    // Built-in errors inherit their name: take the nearest own data "name" up the chain.
    for (var depth = 0, proto = thrown; d.name === undefined && depth < 8; depth++) {
      proto = getProto(proto);
      if (proto === null) break;
      var name = ownData(proto, "name");
      if (typeof name === "string") d.name = cut(name, 128);
    }
  } catch (error) {
    d.accessor = true;
  }
  return d;
}

function format(value, budget) {
  var type = typeof value;
  if (type === "string") return value;
  if (type === "function") return "[function]";
  if (type !== "object" || value === null) return toText(value);
  try {
    if (apply(isProtoOf, ErrorProto, [value])) {
      var d = describe(value);
      var name = typeof d.name === "string" ? d.name : "Error";
      return typeof d.message === "string" ? name + ": " + d.message : name;
    }
    var json = serialise(value, budget);
    if (json === ${SerialiseRefusal.tooDeep}) return "[object nested too deeply to show]";
    if (json === ${SerialiseRefusal.tooLarge}) return "[object too large to show]";
    return typeof json === "string" ? json : "[object]";
  } catch (error) {
    return "[unserialisable object]";
  }
}

return function helper(kind, first) {
  if (kind === ${HelperCall.describe}) return stringify(describe(first));
  var budget = first, line = "";
  for (var i = 2; i < arguments.length && line.length <= budget; i++) {
    line = line + (i === 2 ? "" : " ") + cut(format(arguments[i], budget + 1), budget + 1);
  }
  // As JSON text: the host's string reading decodes UTF-8 and would turn lone surrogates into
  // U+FFFD; JSON.stringify escapes them, so the host's JSON.parse gets the line exactly.
  return stringify(cut(line, budget + 1));
};
})`;
