/**
 * The visitor's camera: free flight with the keyboard (flight.ts maps the keys), looking around
 * with the mouse, flying to a point, and the camera's transform on the wire.
 */
import { UniversalCamera, Vector3, type Scene } from "./babylon";
import type { TransformNoScale } from "../posbus";
import { transformChanged } from "../lib/interp";
import { BASE_SPEED, BOOST, FLIGHT_KEYS, cameraToWireRotation, flightInput, isMoving, speedForDigit, wireToCameraRotation } from "./flight";

export class FlightCamera {
  readonly camera: UniversalCamera;
  private readonly pressed = new Set<string>();
  private speed = 1;
  private lastSent: TransformNoScale | null = null;
  private animating = 0;

  constructor(
    private readonly scene: Scene,
    canvas: HTMLCanvasElement,
    /** The camera moved (called at most once a frame). */
    private readonly onMove: (transform: TransformNoScale) => void,
    /** Keep drawing frames for a while. */
    private readonly wake: (ms: number) => void,
  ) {
    this.camera = new UniversalCamera("player", new Vector3(0, 3, 12), scene);
    this.camera.minZ = 0.1;
    this.camera.maxZ = 5000;
    this.camera.fov = 1.0;
    this.camera.setTarget(Vector3.Zero());
    this.camera.inputs.removeByType("FreeCameraKeyboardMoveInput");
    this.camera.angularSensibility = 1600;
    this.camera.attachControl(canvas, true);
    window.addEventListener("keydown", this.onKeyDown);
    window.addEventListener("keyup", this.onKeyUp);
    window.addEventListener("blur", this.onBlur);
  }

  /** Whether a flight key is held. */
  get flying(): boolean {
    return this.pressed.size > 0;
  }

  /** Whether the camera is flying to a point. */
  get animated(): boolean {
    return this.animating > 0;
  }

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    if (isTyping(e)) return;
    const digit = speedForDigit(e.code);
    if (digit !== null) {
      this.speed = digit;
      return;
    }
    if (FLIGHT_KEYS.has(e.code)) {
      this.pressed.add(e.code);
      if (e.code.startsWith("Arrow") || e.code.startsWith("Page")) e.preventDefault();
    }
  };

  private readonly onKeyUp = (e: KeyboardEvent): void => {
    this.pressed.delete(e.code);
  };

  private readonly onBlur = (): void => this.pressed.clear();

  /** Press or release a flight key programmatically (the on-screen controls use it). */
  setKey(code: string, down: boolean): void {
    if (down) this.pressed.add(code);
    else this.pressed.delete(code);
  }

  /** Fly for `dt` seconds with the keys held, and report the camera if it moved. */
  step(dt: number): void {
    const input = flightInput(this.pressed);
    const cam = this.camera;
    if (isMoving(input)) {
      const speed = BASE_SPEED * this.speed * (input.boost ? BOOST : 1) * dt;
      const forward = cam.getDirection(Vector3.Forward(this.scene.useRightHandedSystem));
      const right = cam.getDirection(Vector3.Right());
      const move = forward
        .scale(input.forward)
        .add(right.scale(input.right))
        .add(Vector3.Up().scale(input.up));
      if (move.lengthSquared() > 0) cam.position.addInPlace(move.normalize().scale(speed));
    }
    const t = this.transform();
    if (!this.lastSent || transformChanged(this.lastSent, t)) {
      this.lastSent = t;
      this.onMove(t);
    }
  }

  transform(): TransformNoScale {
    const p = this.camera.position;
    return { position: { x: p.x, y: p.y, z: p.z }, rotation: cameraToWireRotation(this.camera.rotation) };
  }

  /** Put the camera somewhere (a spawn point): not a move of ours to report. */
  setTransform(t: TransformNoScale): void {
    this.camera.position.set(t.position.x, t.position.y, t.position.z);
    const r = wireToCameraRotation(t.rotation);
    this.camera.rotation.set(r.x, r.y, r.z);
    this.lastSent = this.transform();
  }

  /** The point `distance` ahead of the camera. */
  pointAhead(distance: number): Vector3 {
    const forward = this.camera.getDirection(Vector3.Forward(true));
    return this.camera.position.add(forward.scale(distance));
  }

  /** Turn the camera toward a point and fly near it (Scene explorer, high-five). */
  flyTo(target: Vector3, distance = 4, durationMs = 900): Promise<void> {
    const start = this.camera.position.clone();
    const dir = start.subtract(target);
    if (dir.lengthSquared() < 1e-6) dir.set(0, 0, 1);
    const end = target.add(dir.normalize().scale(distance));
    const t0 = performance.now();
    this.animating += 1;
    return new Promise((resolve) => {
      const obs = this.scene.onBeforeRenderObservable.add(() => {
        const k = Math.min(1, (performance.now() - t0) / durationMs);
        const e = k < 0.5 ? 2 * k * k : 1 - (-2 * k + 2) ** 2 / 2;
        this.camera.position = Vector3.Lerp(start, end, e);
        this.camera.setTarget(target);
        if (k >= 1) {
          this.scene.onBeforeRenderObservable.remove(obs);
          this.animating -= 1;
          this.wake(300);
          resolve();
        }
      });
    });
  }

  dispose(): void {
    window.removeEventListener("keydown", this.onKeyDown);
    window.removeEventListener("keyup", this.onKeyUp);
    window.removeEventListener("blur", this.onBlur);
  }
}

function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  return t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable;
}
