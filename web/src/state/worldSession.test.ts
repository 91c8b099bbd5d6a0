import { describe, expect, it } from "vitest";
import { TRANSFORM_INTERVAL_MS, transformInterval } from "./worldSession";

describe("transform send interval", () => {
  it("follows the server's tick rate, within bounds", () => {
    expect(transformInterval(undefined)).toBe(TRANSFORM_INTERVAL_MS);
    expect(transformInterval(2)).toBe(500);
    expect(transformInterval("10")).toBe(100);
    expect(transformInterval(1000)).toBe(50);
    expect(transformInterval(0.1)).toBe(1000);
    expect(transformInterval(-1)).toBe(TRANSFORM_INTERVAL_MS);
  });
});
