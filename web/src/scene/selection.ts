/**
 * Creator tools on the selected object: a wireframe box around it and the move / rotate / scale
 * gizmos, whose drags are reported as edits of the object.
 */
import { Color3, GizmoManager, MeshBuilder, StandardMaterial, type Mesh, type Scene } from "./babylon";
import type { Transform } from "../posbus";
import { SELECTION_MESH, type WorldObjects } from "./worldObjects";

export type GizmoMode = "move" | "rotate" | "scale";

export class Selection {
  private selected: { id: string; box: Mesh } | null = null;
  private gizmos: GizmoManager | null = null;
  private mode: GizmoMode = "move";
  private readonly wiredGizmos = new WeakSet<object>();

  constructor(
    private readonly scene: Scene,
    private readonly objects: WorldObjects,
    private readonly wake: (ms: number) => void,
    /** A gizmo drag moved the object (`final` at the end of the drag). */
    private readonly onEdit: (objectId: string, transform: Transform, final: boolean) => void,
  ) {}

  get id(): string | null {
    return this.selected?.id ?? null;
  }

  select(id: string | null): void {
    this.wake(600);
    if (this.selected) {
      this.selected.box.dispose();
      this.selected = null;
    }
    this.gizmos?.attachToNode(null);
    if (!id) return;
    const node = this.objects.node(id);
    if (!node) return;
    const box = MeshBuilder.CreateBox(SELECTION_MESH, { size: 1 }, this.scene);
    const mat = new StandardMaterial(SELECTION_MESH, this.scene);
    mat.emissiveColor = Color3.FromHexString("#3dd6f5");
    mat.wireframe = true;
    mat.disableLighting = true;
    box.material = mat;
    box.isPickable = false;
    this.selected = { id, box };
    this.refreshBox();
    this.enableGizmos();
    this.gizmos?.attachToNode(node);
  }

  /** An object moved: the box follows if it is the selected one. */
  objectMoved(id: string): void {
    if (this.selected?.id === id) this.refreshBox();
  }

  private refreshBox(): void {
    if (!this.selected) return;
    const bounds = this.objects.bounds(this.selected.id);
    if (!bounds) return;
    const { min, max, root } = bounds;
    const box = this.selected.box;
    if (!isFinite(min.x) || !isFinite(max.x)) {
      box.position.copyFrom(root.position);
      box.scaling.setAll(1);
      return;
    }
    box.position.copyFrom(min.add(max).scale(0.5));
    const size = max.subtract(min);
    box.scaling.set(Math.max(size.x, 0.05) * 1.04, Math.max(size.y, 0.05) * 1.04, Math.max(size.z, 0.05) * 1.04);
  }

  setMode(mode: GizmoMode): void {
    this.mode = mode;
    this.wake(600);
    if (!this.gizmos) return;
    this.gizmos.positionGizmoEnabled = mode === "move";
    this.gizmos.rotationGizmoEnabled = mode === "rotate";
    this.gizmos.scaleGizmoEnabled = mode === "scale";
    this.wireGizmoEvents();
  }

  private enableGizmos(): void {
    if (this.gizmos) return;
    const g = new GizmoManager(this.scene);
    g.usePointerToAttachGizmos = false;
    g.clearGizmoOnEmptyPointerEvent = false;
    this.gizmos = g;
    this.setMode(this.mode);
  }

  /** Each gizmo exists once its mode was first chosen: wire it then, once. */
  private wireGizmoEvents(): void {
    const g = this.gizmos;
    if (!g) return;
    const emit = (final: boolean): void => {
      if (!this.selected) return;
      const id = this.selected.id;
      const t = this.objects.adoptNodeTransform(id);
      if (!t) return;
      this.refreshBox();
      this.onEdit(id, t, final);
    };
    for (const gizmo of [g.gizmos.positionGizmo, g.gizmos.rotationGizmo, g.gizmos.scaleGizmo]) {
      if (!gizmo || this.wiredGizmos.has(gizmo)) continue;
      this.wiredGizmos.add(gizmo);
      gizmo.onDragObservable.add(() => emit(false));
      gizmo.onDragEndObservable.add(() => emit(true));
    }
  }

  dispose(): void {
    this.gizmos?.dispose();
  }
}
