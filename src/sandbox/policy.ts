/**
 * What task code may not touch, and the violation type each touch is recorded as (SPEC 5
 * table). The guest only reports *which* tripwire fired; the type and the wording come from
 * here, so guest code can neither choose nor forge them.
 */
import { PROVIDERS } from "../core";
import type { SandboxViolation } from "./types";

export const VIOLATION_TYPES = [
  "NETWORK_ACCESS_ATTEMPT",
  "SUBPROCESS_ATTEMPT",
  "FILESYSTEM_ATTEMPT",
  "IMPORT_ALLOWLIST_VIOLATION",
  "GLOBAL_ALLOWLIST_VIOLATION",
] as const;
export type ViolationType = (typeof VIOLATION_TYPES)[number];

/**
 * The globals a task may use (SPEC 5): the ECMAScript built-ins of the engine, and the sandbox's
 * own `input`, `task`, `console` and `providers` (SPEC 6; a task that declares no providers
 * finds `providers` a NETWORK_ACCESS_ATTEMPT tripwire instead, see `providerTouch`). With the
 * tripwires below, this is every own property of a fresh sandbox's global object; the
 * integration tests compare the two, so an engine upgrade that brings a new global cannot slip
 * one in unnoticed.
 */
export const ALLOWED_GLOBALS: readonly string[] = [
  // Value properties and functions.
  "globalThis", "Infinity", "NaN", "undefined", "parseInt", "parseFloat", "isNaN", "isFinite",
  "decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape", "unescape",
  // Fundamental objects, numbers, text, collections.
  "Object", "Symbol", "Boolean", "Number", "BigInt", "Math", "Date", "String", "RegExp", "Array",
  "Map", "Set", "WeakMap", "WeakSet", "Iterator", "Promise", "Proxy", "Reflect", "JSON",
  // Errors.
  "Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError",
  "AggregateError",
  // Binary data.
  "ArrayBuffer", "DataView", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array",
  "Uint16Array", "Int32Array", "Uint32Array", "BigInt64Array", "BigUint64Array", "Float16Array",
  "Float32Array", "Float64Array",
  // The sandbox's own.
  "input", "task", "console", "providers",
];

/**
 * Globals replaced by tripwires that read as `undefined`. `WeakRef` and `FinalizationRegistry`
 * are blocked although a fresh runtime per attempt already keeps finalizers from crossing
 * attempts: they make a task's outcome depend on when the collector runs, and a finalizer job
 * queued during `dispose()` is one more way to hit the `list_empty` abort (sandbox-notes 2.6).
 */
export const BLOCKED_GLOBALS: Readonly<Record<string, ViolationType>> = {
  fetch: "NETWORK_ACCESS_ATTEMPT",
  XMLHttpRequest: "NETWORK_ACCESS_ATTEMPT",
  WebSocket: "NETWORK_ACCESS_ATTEMPT",
  EventSource: "NETWORK_ACCESS_ATTEMPT",
  navigator: "NETWORK_ACCESS_ATTEMPT",
  process: "SUBPROCESS_ATTEMPT",
  Bun: "SUBPROCESS_ATTEMPT",
  Deno: "SUBPROCESS_ATTEMPT",
  child_process: "SUBPROCESS_ATTEMPT",
  Worker: "SUBPROCESS_ATTEMPT",
  require: "IMPORT_ALLOWLIST_VIOLATION",
  module: "IMPORT_ALLOWLIST_VIOLATION",
  exports: "IMPORT_ALLOWLIST_VIOLATION",
  eval: "GLOBAL_ALLOWLIST_VIOLATION",
  Function: "GLOBAL_ALLOWLIST_VIOLATION",
  SharedArrayBuffer: "GLOBAL_ALLOWLIST_VIOLATION",
  Atomics: "GLOBAL_ALLOWLIST_VIOLATION",
  WebAssembly: "GLOBAL_ALLOWLIST_VIOLATION",
  WeakRef: "GLOBAL_ALLOWLIST_VIOLATION",
  FinalizationRegistry: "GLOBAL_ALLOWLIST_VIOLATION",
  setTimeout: "GLOBAL_ALLOWLIST_VIOLATION",
  setInterval: "GLOBAL_ALLOWLIST_VIOLATION",
  setImmediate: "GLOBAL_ALLOWLIST_VIOLATION",
  clearTimeout: "GLOBAL_ALLOWLIST_VIOLATION",
  clearInterval: "GLOBAL_ALLOWLIST_VIOLATION",
  clearImmediate: "GLOBAL_ALLOWLIST_VIOLATION",
  queueMicrotask: "GLOBAL_ALLOWLIST_VIOLATION",
  // QuickJS's own error class, not an ECMAScript built-in. The engine still throws its instances
  // (interrupted, stack overflow, out of memory); only the global name is off the allowlist.
  InternalError: "GLOBAL_ALLOWLIST_VIOLATION",
};

/**
 * Blocked constructors reachable as the `constructor` of an intrinsic prototype, in the order of
 * the bootstrap's prototypes: the code-generating ones (through any function's prototype chain)
 * and QuickJS's InternalError (through the prototype of any engine error: a stack overflow, an
 * interrupt). The test "no blocked function or object is reachable" walks every intrinsic.
 */
export const BLOCKED_CONSTRUCTORS = [
  "Function",
  "AsyncFunction",
  "GeneratorFunction",
  "AsyncGeneratorFunction",
  "InternalError",
] as const;

/**
 * Guest touch names: a blocked global's name, `ctor:` plus a constructor's name, `providers`
 * (read by a task that declares no providers) or `providers.<name>` (a provider it does not
 * declare).
 */
export const CONSTRUCTOR_TOUCH_PREFIX = "ctor:";
export const PROVIDERS_GLOBAL = "providers";

/**
 * The touch name of `providers` itself (`undefined`) or of `providers.<provider>`. Reaching for
 * a provider the task did not declare in `uses` is reaching for the network by another route,
 * so both are NETWORK_ACCESS_ATTEMPT; they read as `undefined` like every tripwire, so
 * `typeof providers === "undefined"` still works as feature detection.
 */
export const providerTouch = (provider?: string): string =>
  provider === undefined ? PROVIDERS_GLOBAL : `${PROVIDERS_GLOBAL}.${provider}`;

function violationForProviderTouch(touch: string): SandboxViolation | undefined {
  if (touch === PROVIDERS_GLOBAL) {
    return { violation_type: "NETWORK_ACCESS_ATTEMPT", details: "read of 'providers' by a task that declares no providers in 'uses'" };
  }
  const provider = touch.slice(PROVIDERS_GLOBAL.length + 1);
  if (touch !== providerTouch(provider) || !(PROVIDERS as readonly string[]).includes(provider)) return undefined;
  return { violation_type: "NETWORK_ACCESS_ATTEMPT", details: `read of 'providers.${provider}', which the task does not declare in 'uses'` };
}

/**
 * What a `require` of these specifiers is: the files row of SPEC 5 names `require('fs')` as a file
 * API. `import` and `import()` are always IMPORT_ALLOWLIST_VIOLATION, whatever they name (issue 3):
 * they are refused before anything is loaded, and the details keep the specifier.
 */
const SPECIFIER_KINDS: ReadonlyArray<[RegExp, ViolationType]> = [
  [/^(node:)?fs(\/promises)?$/, "FILESYSTEM_ATTEMPT"],
  [/^(node:)?(child_process|worker_threads|cluster)$/, "SUBPROCESS_ATTEMPT"],
  [/^(node:)?(http|https|http2|net|tls|dns|dgram)$/, "NETWORK_ACCESS_ATTEMPT"],
];

/** File APIs reached through a blocked object; only the source text can tell them apart. */
const FILE_API = /\b(?:Bun\s*\.\s*(?:file|write)\b|Deno\s*\.\s*(?:readFile|readTextFile|writeFile|writeTextFile|open|readDir|remove|mkdir|stat|lstat|create|copyFile|rename|truncate|makeTemp\w*)\w*)/;
const REQUIRE_CALL = /\brequire\s*\(\s*["'`]([^"'`]{1,200})["'`]/;
const STATIC_IMPORT = /(?:^|[^.\w$])import\s*(?:[\w$*{"'`]|$)/m;

export function violationForImport(specifier: string): SandboxViolation {
  return { violation_type: "IMPORT_ALLOWLIST_VIOLATION", details: `import of '${specifier.slice(0, 200)}'` };
}

const requireKind = (specifier: string): ViolationType =>
  SPECIFIER_KINDS.find(([pattern]) => pattern.test(specifier))?.[1] ?? "IMPORT_ALLOWLIST_VIOLATION";

export function violationForStaticImport(): SandboxViolation {
  return { violation_type: "IMPORT_ALLOWLIST_VIOLATION", details: "static import statement" };
}

/** The violation a guest touch stands for, or undefined for a name this table does not know. */
export function violationForTouch(touch: string, code: string): SandboxViolation | undefined {
  if (touch.startsWith(PROVIDERS_GLOBAL)) return violationForProviderTouch(touch);
  if (touch.startsWith(CONSTRUCTOR_TOUCH_PREFIX)) {
    const name = touch.slice(CONSTRUCTOR_TOUCH_PREFIX.length);
    if (!(BLOCKED_CONSTRUCTORS as readonly string[]).includes(name)) return undefined;
    return {
      violation_type: "GLOBAL_ALLOWLIST_VIOLATION",
      details: `read of the ${name} constructor through 'constructor'`,
    };
  }
  if (!Object.hasOwn(BLOCKED_GLOBALS, touch)) return undefined;
  const details = `read of blocked global '${touch}'`;
  if ((touch === "Bun" || touch === "Deno") && FILE_API.test(code)) {
    return { violation_type: "FILESYSTEM_ATTEMPT", details };
  }
  if (touch === "require") {
    const specifier = REQUIRE_CALL.exec(code)?.[1];
    if (specifier !== undefined) {
      return { violation_type: requireKind(specifier), details };
    }
  }
  return { violation_type: BLOCKED_GLOBALS[touch]!, details };
}

/**
 * Whether a compile-time SyntaxError comes from an `import` statement. QuickJS reads a static
 * import in script code as a malformed `import(...)` and says "expecting '('", so the source
 * line the error points at is checked (the whole source when the line is unknown).
 */
export function isImportSyntaxError(message: string, line: number | undefined, code: string): boolean {
  if (/\bimport\b/.test(message)) return true;
  const text = line === undefined ? code : (code.split("\n")[line - 1] ?? code);
  return STATIC_IMPORT.test(text);
}
