import { describe, expect, it, vi } from "vitest";
import { createStore } from "./store";
import { throttle } from "./throttle";
import { angleDelta, lerpAngles, smoothingFactor, transformChanged } from "./interp";
import { hexToRgb01, normalizeHex } from "./color";
import { compactUuid, isNil, isUuid, randomUuid } from "./ids";
import { base58Decode, ss58ToPublicKeyHex, toChecksumAddress, utf8ToHex } from "./wallet";

describe("store", () => {
  it("notifies on change only", () => {
    const s = createStore({ a: 1, b: "x" });
    const seen: number[] = [];
    const off = s.subscribe(() => seen.push(s.get().a));
    s.patch({ a: 1 });
    s.patch({ a: 2 });
    s.set((p) => ({ ...p, a: 3 }));
    s.set(s.get());
    off();
    s.patch({ a: 4 });
    expect(seen).toEqual([2, 3]);
    expect(s.get()).toEqual({ a: 4, b: "x" });
  });
});

describe("throttle", () => {
  function fakeClock() {
    let now = 0;
    const timers: { at: number; cb: () => void; id: number }[] = [];
    let nextId = 1;
    return {
      now: () => now,
      setTimeout: (cb: () => void, ms: number) => {
        const id = nextId++;
        timers.push({ at: now + ms, cb, id });
        return id;
      },
      clearTimeout: (id: unknown) => {
        const i = timers.findIndex((t) => t.id === id);
        if (i >= 0) timers.splice(i, 1);
      },
      advance(ms: number) {
        now += ms;
        for (const t of [...timers].sort((a, b) => a.at - b.at)) {
          if (t.at <= now) {
            timers.splice(timers.indexOf(t), 1);
            t.cb();
          }
        }
      },
    };
  }

  it("runs the first call at once and the last of a burst at the end of the interval", () => {
    const clock = fakeClock();
    const calls: number[] = [];
    const t = throttle((v: number) => calls.push(v), 250, clock);
    t(1);
    t(2);
    t(3);
    expect(calls).toEqual([1]);
    clock.advance(249);
    expect(calls).toEqual([1]);
    clock.advance(1);
    expect(calls).toEqual([1, 3]);
    clock.advance(1000);
    t(4);
    expect(calls).toEqual([1, 3, 4]);
  });

  it("sends at most one message per interval while called every frame", () => {
    const clock = fakeClock();
    let count = 0;
    const t = throttle(() => count++, 250, clock);
    for (let i = 0; i < 60; i++) {
      t();
      clock.advance(16);
    }
    // ~960 ms of calls: the leading call plus one per 250 ms.
    expect(count).toBeGreaterThanOrEqual(4);
    expect(count).toBeLessThanOrEqual(5);
  });

  it("flush and cancel", () => {
    const clock = fakeClock();
    const calls: number[] = [];
    const t = throttle((v: number) => calls.push(v), 250, clock);
    t(1);
    t(2);
    t.flush();
    expect(calls).toEqual([1, 2]);
    t(3);
    t.cancel();
    clock.advance(500);
    expect(calls).toEqual([1, 2]);
  });
});

describe("interpolation", () => {
  it("smoothing factor is 0 at dt 0 and approaches 1", () => {
    expect(smoothingFactor(0, 0.1)).toBe(0);
    expect(smoothingFactor(1, 0.1)).toBeGreaterThan(0.99);
    expect(smoothingFactor(0.1, 0)).toBe(1);
  });

  it("takes the short way round for angles", () => {
    expect(angleDelta(3, -3)).toBeCloseTo(2 * Math.PI - 6);
    expect(angleDelta(0, Math.PI / 2)).toBeCloseTo(Math.PI / 2);
    const r = lerpAngles({ x: 0, y: 3.1, z: 0 }, { x: 0, y: -3.1, z: 0 }, 0.5);
    expect(Math.abs(r.y)).toBeGreaterThan(3.1);
  });

  it("detects transform changes beyond tolerance", () => {
    const a = { position: { x: 0, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0 } };
    expect(transformChanged(a, { ...a, position: { x: 0.0001, y: 0, z: 0 } })).toBe(false);
    expect(transformChanged(a, { ...a, position: { x: 0.5, y: 0, z: 0 } })).toBe(true);
    expect(transformChanged(a, { ...a, rotation: { x: 0, y: 2 * Math.PI, z: 0 } })).toBe(false);
  });
});

describe("colours and ids", () => {
  it("normalizes hex colours", () => {
    expect(normalizeHex("#ABC")).toBe("#aabbcc");
    expect(normalizeHex("ff0000")).toBe("#ff0000");
    expect(normalizeHex("red")).toBeNull();
    expect(hexToRgb01("#ff8000")).toEqual([1, 128 / 255, 0]);
  });

  it("uuids", () => {
    const id = randomUuid();
    expect(isUuid(id)).toBe(true);
    expect(compactUuid("8950B866-05a9-9f44-753f-3ec2d9e7c3b1")).toBe("8950b86605a99f44753f3ec2d9e7c3b1");
    expect(isNil("00000000-0000-0000-0000-000000000000")).toBe(true);
    expect(isNil(id)).toBe(false);
  });
});

describe("wallet addresses", () => {
  it("EIP-55 checksums (vectors from the EIP)", () => {
    for (const a of [
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
      "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ]) {
      expect(toChecksumAddress(a.toLowerCase())).toBe(a);
    }
    expect(() => toChecksumAddress("0x1234")).toThrow();
  });

  it("SS58 → public key hex (Alice)", () => {
    expect(ss58ToPublicKeyHex("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY")).toBe(
      "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
    );
    expect(base58Decode("1112").length).toBe(4);
    expect(() => ss58ToPublicKeyHex("0OIl")).toThrow();
  });

  it("utf8 to hex", () => {
    expect(utf8ToHex("hi")).toBe("0x6869");
  });
});

describe("vi is available", () => {
  it("fake timers work", () => {
    vi.useFakeTimers();
    const spy = vi.fn();
    setTimeout(spy, 10);
    vi.advanceTimersByTime(10);
    expect(spy).toHaveBeenCalled();
    vi.useRealTimers();
  });
});
