import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { demuxer, jsonLines, type FrameStream } from "./engine-client.js";
import { registryAuth } from "./docker-runtime.js";

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collect(): { push: (c: Buffer) => void; frames: [FrameStream, string][] } {
  const frames: [FrameStream, string][] = [];
  return { push: demuxer((s, d) => frames.push([s, d.toString()])), frames };
}

describe("demuxer", () => {
  it("splits frames by stream", () => {
    const d = collect();
    d.push(Buffer.concat([frame(1, "out\n"), frame(2, "err\n"), frame(1, "more")]));
    assert.deepEqual(d.frames, [
      ["stdout", "out\n"],
      ["stderr", "err\n"],
      ["stdout", "more"],
    ]);
  });

  it("joins frames split across chunks, inside the header and inside the payload", () => {
    const all = Buffer.concat([frame(2, "hello world"), frame(1, "x")]);
    for (const cut of [1, 5, 8, 12, all.length - 1]) {
      const d = collect();
      d.push(all.subarray(0, cut));
      d.push(all.subarray(cut));
      assert.deepEqual(
        d.frames,
        [
          ["stderr", "hello world"],
          ["stdout", "x"],
        ],
        `cut at ${cut}`,
      );
    }
  });

  it("delivers byte by byte", () => {
    const all = frame(1, "abc");
    const d = collect();
    for (const b of all) d.push(Buffer.from([b]));
    assert.deepEqual(d.frames, [["stdout", "abc"]]);
  });

  it("skips empty frames and counts stdin echoes as stdout", () => {
    const d = collect();
    d.push(Buffer.concat([frame(1, ""), frame(0, "in")]));
    assert.deepEqual(d.frames, [["stdout", "in"]]);
  });
});

describe("jsonLines", () => {
  it("parses lines split across chunks and multi-byte characters", () => {
    const seen: unknown[] = [];
    const push = jsonLines((o) => seen.push(o));
    const text = Buffer.from('{"a":"é"}\n{"b":2}\n');
    push(text.subarray(0, 7)); // inside the two bytes of é
    push(text.subarray(7, 12));
    push(text.subarray(12));
    assert.deepEqual(seen, [{ a: "é" }, { b: 2 }]);
  });

  it("skips garbled and blank lines, and keeps an unfinished one for later", () => {
    const seen: unknown[] = [];
    const push = jsonLines((o) => seen.push(o));
    push('{"broken\n\n"text"\n{"ok":1}\n{"la');
    assert.deepEqual(seen, [{ ok: 1 }]);
    push('ter":true}\n');
    assert.deepEqual(seen, [{ ok: 1 }, { later: true }]);
  });
});

describe("registryAuth", () => {
  it("is URL-safe base64 of the engine's auth JSON", () => {
    const header = registryAuth({ username: "u?>", password: "p~~~", serverAddress: "r:5000" });
    assert.doesNotMatch(header, /[+/]/);
    const json = Buffer.from(header, "base64url").toString();
    assert.deepEqual(JSON.parse(json), {
      username: "u?>",
      password: "p~~~",
      serveraddress: "r:5000",
    });
  });
});
