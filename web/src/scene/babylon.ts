/**
 * The parts of Babylon.js the client uses, imported module by module (not the whole library
 * through "@babylonjs/core"), so the bundle carries only what runs. The non-"pure" module paths
 * register their side effects (scene components, prototype methods) when imported.
 */
export { Engine } from "@babylonjs/core/Engines/engine";
export { Scene } from "@babylonjs/core/scene";
export { Color3, Color4 } from "@babylonjs/core/Maths/math.color";
export { Matrix, Vector3 } from "@babylonjs/core/Maths/math.vector";
export { TransformNode } from "@babylonjs/core/Meshes/transformNode";
export { Mesh } from "@babylonjs/core/Meshes/mesh";
export { AbstractMesh } from "@babylonjs/core/Meshes/abstractMesh";
export { MeshBuilder } from "@babylonjs/core/Meshes/meshBuilder";
export { VertexData } from "@babylonjs/core/Meshes/mesh.vertexData";
export { AssetContainer } from "@babylonjs/core/assetContainer";
export { LoadAssetContainerAsync } from "@babylonjs/core/Loading/sceneLoader";
export { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
export { PBRMaterial } from "@babylonjs/core/Materials/PBR/pbrMaterial";
export { Material } from "@babylonjs/core/Materials/material";
export { Texture } from "@babylonjs/core/Materials/Textures/texture";
export { DynamicTexture } from "@babylonjs/core/Materials/Textures/dynamicTexture";
export { HemisphericLight } from "@babylonjs/core/Lights/hemisphericLight";
export { DirectionalLight } from "@babylonjs/core/Lights/directionalLight";
export { UniversalCamera } from "@babylonjs/core/Cameras/universalCamera";
export { ArcRotateCamera } from "@babylonjs/core/Cameras/arcRotateCamera";
export { PhotoDome } from "@babylonjs/core/Helpers/photoDome";
export { GizmoManager } from "@babylonjs/core/Gizmos/gizmoManager";
export { GlowLayer } from "@babylonjs/core/Layers/glowLayer";
export { PointerEventTypes } from "@babylonjs/core/Events/pointerEvents";
export type { Node } from "@babylonjs/core/node";
export type { Nullable } from "@babylonjs/core/types";
export type { Observer } from "@babylonjs/core/Misc/observable";
export type { Viewport } from "@babylonjs/core/Maths/math.viewport";

// Side effects: instances, picking, the glTF loader, auto-rotation and the glow layer's component.
import "@babylonjs/core/Meshes/instancedMesh";
import "@babylonjs/core/Culling/ray";
import "@babylonjs/core/Behaviors/Cameras/autoRotationBehavior";
import "@babylonjs/core/Layers/effectLayerSceneComponent";
import "@babylonjs/core/Animations/animatable";
import "@babylonjs/loaders/glTF/glTFFileLoader";
import "@babylonjs/loaders/glTF/2.0";
