/**
 * What the supervisor writes to an executor (writer.ts): the news that an answer was sent goes
 * before the text of long answers already queued, so an executor reading a pipe-full per turn
 * learns of every answer within one part, and each answer's text arrives whole, in order.
 */
import { expect, test } from "bun:test";
import type { ToExecutor } from "../../src/executor/protocol";
import { ExecutorWriter } from "../../src/executor/writer";

/** A pipe that takes one line, then is full until `drain()`. */
function slowPipe() {
  const written: ToExecutor[] = [];
  let release: (() => void) | undefined;
  let ended = false;
  const sink = {
    write: (chunk: string) => {
      if (ended) throw new Error("write after end");
      written.push(JSON.parse(chunk));
      return chunk.length;
    },
    flush: () => new Promise<number>((resolve) => (release = () => resolve(0))),
    end: () => {
      ended = true;
      return 0;
    },
  };
  const drain = async () => {
    const r = release;
    release = undefined;
    r?.();
    await Bun.sleep(0);
  };
  return { sink, written, drain, ended: () => ended };
}

const text = (messages: ToExecutor[], id: number) =>
  messages.flatMap((m) => (m.type === "provider_part" && m.id === id ? [m.text] : m.type === "provider_result" && m.id === id && m.resultJson !== undefined ? [m.resultJson] : [])).join("");

test("a short answer goes whole; a long one as its news, then parts that add up to it", async () => {
  const pipe = slowPipe();
  const writer = new ExecutorWriter(pipe.sink);
  const long = JSON.stringify({ ok: true, value: "é€𝄞".repeat(100_000) });
  writer.answer(1, 0, '{"ok":true,"value":1}', 5);
  writer.answer(2, 0, long, 6);
  while (pipe.written.length < 2 + Math.ceil(long.length / 65536)) await pipe.drain();
  expect(pipe.written[0]).toEqual({ type: "provider_result", id: 1, seq: 0, sentAt: 5, resultJson: '{"ok":true,"value":1}' });
  expect(pipe.written[1]).toEqual({ type: "provider_result", id: 2, seq: 0, sentAt: 6 });
  expect(text(pipe.written, 2)).toBe(long);
  const lasts = pipe.written.flatMap((m) => (m.type === "provider_part" ? [m.last] : []));
  expect(lasts.length).toBeGreaterThan(1);
  expect(lasts.indexOf(true)).toBe(lasts.length - 1);
  expect(pipe.written.at(-1)).toMatchObject({ type: "provider_part", id: 2, last: true });
});

test("the news of a later answer overtakes the parts of earlier ones still queued, never its own", async () => {
  const pipe = slowPipe();
  const writer = new ExecutorWriter(pipe.sink);
  const big = (n: number) => JSON.stringify({ ok: true, value: String(n).repeat(400_000) });
  writer.answer(1, 0, big(1), 1);
  await pipe.drain(); // the first part of answer 1 is in the pipe
  writer.answer(2, 0, big(2), 2);
  writer.answer(3, 4, '{"ok":true,"value":3}', 3);
  for (let i = 0; i < 3; i++) await pipe.drain();
  const news = pipe.written.slice(0, 5).map((m) => `${m.type}:${"id" in m ? m.id : ""}`);
  expect(news).toEqual(["provider_result:1", "provider_part:1", "provider_result:2", "provider_result:3", "provider_part:1"]);
  while (!pipe.written.some((m) => m.type === "provider_part" && m.id === 2 && m.last)) await pipe.drain();
  expect([text(pipe.written, 1), text(pipe.written, 2), text(pipe.written, 3)]).toEqual([big(1), big(2), '{"ok":true,"value":3}']);
});

test("the input ends only once all that was sent is written; a pipe that fails drops the rest quietly", async () => {
  const pipe = slowPipe();
  const writer = new ExecutorWriter(pipe.sink);
  writer.send({ type: "attempt", id: 1, request: { code: "return 1" } as never });
  writer.send({ type: "shutdown" });
  writer.end();
  expect(pipe.ended()).toBe(false);
  await pipe.drain();
  await pipe.drain();
  expect(pipe.written.map((m) => m.type)).toEqual(["attempt", "shutdown"]);
  expect(pipe.ended()).toBe(true);

  const broken = new ExecutorWriter({ write: () => { throw new Error("EPIPE"); }, flush: () => 0, end: () => { throw new Error("EPIPE"); } });
  expect(() => {
    broken.answer(1, 0, "x".repeat(200_000), 0);
    broken.send({ type: "shutdown" });
    broken.end();
  }).not.toThrow();
});

test("the rest of a long answer to an attempt that ended is not written; what others were sent still is", async () => {
  const pipe = slowPipe();
  const writer = new ExecutorWriter(pipe.sink);
  writer.answer(1, 0, JSON.stringify("x".repeat(1_000_000)), 1);
  await pipe.drain(); // its first part is in the pipe
  writer.send({ type: "attempt", id: 2, request: { code: "return 2" } as never });
  writer.forget(1);
  for (let i = 0; i < 5; i++) await pipe.drain();
  expect(pipe.written.map((m) => `${m.type}:${"id" in m ? m.id : ""}`)).toEqual(["provider_result:1", "provider_part:1", "attempt:2"]);
});

test("a character of two UTF-16 units cut at a part boundary comes out whole once the parts are joined", async () => {
  const pipe = slowPipe();
  const writer = new ExecutorWriter(pipe.sink);
  // 65,535 units of "a", then surrogate pairs: the first pair straddles the 64 Ki boundary.
  const value = JSON.stringify("a".repeat(65_534) + "𝄞".repeat(40_000));
  writer.answer(1, 0, value, 0);
  while (!pipe.written.some((m) => m.type === "provider_part" && m.last)) await pipe.drain();
  expect(JSON.parse(text(pipe.written, 1))).toBe(JSON.parse(value));
});
