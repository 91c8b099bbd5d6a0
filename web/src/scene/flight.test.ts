import { describe, expect, it } from "vitest";
import { flightInput, isMoving, speedForDigit } from "./flight";

describe("flight keys", () => {
  it("maps WASD, arrows, Q/E and Shift", () => {
    expect(flightInput(new Set(["KeyW"]))).toEqual({ forward: 1, right: 0, up: 0, boost: false });
    expect(flightInput(new Set(["ArrowDown", "ArrowLeft", "KeyE", "ShiftLeft"]))).toEqual({ forward: -1, right: -1, up: 1, boost: true });
    expect(flightInput(new Set(["KeyW", "KeyS", "KeyQ"]))).toMatchObject({ forward: 0, up: -1 });
    expect(isMoving(flightInput(new Set()))).toBe(false);
    expect(isMoving(flightInput(new Set(["KeyD"])))).toBe(true);
  });

  it("digits set the base speed", () => {
    expect(speedForDigit("Digit3")).toBe(3);
    expect(speedForDigit("Digit0")).toBe(0.5);
    expect(speedForDigit("KeyA")).toBeNull();
  });
});

describe("camera rotation convention", () => {
  it("round-trips and turns half a turn", async () => {
    const { cameraToWireRotation, wireToCameraRotation, wrapAngle } = await import("./flight");
    const wire = { x: 0.3, y: 1.2, z: 0 };
    const cam = wireToCameraRotation(wire);
    expect(cam.x).toBeCloseTo(-0.3);
    expect(cam.y).toBeCloseTo(1.2 - Math.PI);
    const back = cameraToWireRotation(cam);
    expect(back.x).toBeCloseTo(0.3);
    expect(back.y).toBeCloseTo(1.2);
    expect(wrapAngle(3 * Math.PI)).toBeCloseTo(Math.PI);
    expect(wireToCameraRotation({ x: 0, y: 0, z: 0 }).y).toBeCloseTo(Math.PI);
  });
});
