/**
 * How task code is wrapped before evaluation: the body of an async function (SPEC 5), plus a
 * marker that tells the host the body *returned* rather than threw.
 *
 * Why the marker: an async function hands its return value to its promise's resolve function,
 * which looks up the value's `then`. For a revoked proxy, a Proxy whose `get` trap throws, or a
 * throwing `then` getter, that lookup throws, and the promise is rejected as if the task had
 * thrown. Such a result is RESULT_NOT_JSON, not TASK_ERROR, and the two rejections look alike. So
 * when the body completes without throwing, the wrapper calls the marker, which queues one job;
 * that job runs before any job the resolution can queue (adopting a thenable), so the host,
 * reading the promise state in it, sees a rejection only if the resolution itself failed.
 *
 * Why task code cannot forge it (RESULT_NOT_JSON is the engine's fact, not the task's word):
 * - every name the wrapper uses carries the attempt's random suffix (quickjs/suffix.ts), drawn
 *   after the source was written: the marker `$r…` is a global `let` of the bootstrap (no
 *   property of the global object), the key is a local of the wrapper's function. None can be named, shadowed, assigned or reached by a computed name (eval and the
 *   Function constructors are blocked); `arguments` of the task's function is empty.
 * - the marker reports only when handed the attempt's key, which it gives out once, to the
 *   wrapper's head (the first code of the attempt). Source that closes the wrapper's braces early
 *   leaves the head and the tail in different functions: the tail then has no key, and the head's
 *   function, whose promise the host reads, has no tail.
 */
import { markerName } from "./bootstrap";

export const TASK_FILENAME = "task.js";

/** A leading "use strict" directive must stay the first statement of the function body. */
const STRICT_DIRECTIVE = /^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*(["'])use strict\1/;

/**
 * `(async function(){...})()`: evaluated, it starts the task and gives its promise. Everything
 * before the code sits on line 1, so line numbers in errors stay the task's. Terse because it is
 * parsed on every attempt (~8 characters per µs); `var` (not `let`) for the key.
 */
export function wrapTask(code: string, suffix: string): { source: string; headLength: number } {
  const strict = STRICT_DIRECTIVE.test(code) ? '"use strict";' : "";
  const [r, k] = [markerName(suffix), `$k${suffix}`];
  // A throw sets the key to 0, which the marker never takes as a report. The catch parameter
  // needs no suffix: its scope is the catch block, which holds only the wrapper's own code.
  const head = `(async function(){${strict}var ${k}=${r}(0);try{`;
  return { source: `${head}${code}\n}catch($e){${k}=0;throw $e}finally{${r}(${k})}})()`, headLength: head.length };
}
