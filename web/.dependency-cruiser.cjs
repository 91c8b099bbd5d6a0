/**
 * The import rules of the web client (`npm run lint` checks them with dependency-cruiser).
 *
 * Layers, bottom to top: posbus (the wire codec) · lib · api, net · state · scene (Babylon) ·
 * world (hooks and actions of a world visit) · ui (building blocks) · panels · pages · App.
 * A layer imports the layers below it, never one above; nothing imports in a circle.
 */
const TESTS = "\\.test\\.tsx?$";
const LOWER = "^src/(posbus|lib|api|net|state)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Modules that import each other (directly or through others) cannot be understood or moved one at a time.",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-orphans",
      severity: "error",
      comment: "A module nothing imports is dead code (tests, entry points and type declarations aside).",
      from: { orphan: true, pathNot: [TESTS, "^src/main\\.tsx$", "\\.d\\.ts$", "^src/styles/", "^scripts/"] },
      to: {},
    },
    {
      name: "no-tests-in-src",
      severity: "error",
      comment: "The shipped client imports no test file.",
      from: { path: "^src/", pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: "no-scripts-in-src",
      severity: "error",
      comment: "scripts/ are build and fixture tools (only tests may use them), not part of the client.",
      from: { path: "^src/", pathNot: TESTS },
      to: { path: "^scripts/" },
    },
    {
      name: "no-dev-dependencies-in-src",
      severity: "error",
      comment: "The shipped client uses only `dependencies`; devDependencies are for tests and tools.",
      from: { path: "^src/", pathNot: TESTS },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-undeclared-packages",
      severity: "error",
      comment: "Every package imported is declared in package.json.",
      from: {},
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "posbus-is-self-contained",
      severity: "error",
      comment: "The posbus codec is a library of its own: it imports nothing else of the client.",
      from: { path: "^src/posbus/", pathNot: TESTS },
      to: { path: "^src/", pathNot: "^src/posbus/" },
    },
    {
      name: "lower-layers-know-no-ui",
      severity: "error",
      comment: "Codec, helpers, API, network and state know nothing of the 3D scene, the world hooks or the UI.",
      from: { path: LOWER },
      to: { path: "^src/(scene|world|ui|panels|pages)/|^src/App\\.tsx$" },
    },
    {
      name: "lower-layers-use-no-react",
      severity: "error",
      comment: "Only lib/useStore bridges the stores to React; API, network, state and codec are plain TypeScript.",
      from: { path: "^src/(posbus|api|net|state)/", pathNot: TESTS },
      to: { path: "node_modules/react(-dom)?/" },
    },
    {
      name: "scene-knows-no-ui",
      severity: "error",
      comment: "The Babylon scene is driven by calls and callbacks: it imports no React, world hooks or UI.",
      from: { path: "^src/scene/" },
      to: { path: "^src/(world|ui|panels|pages)/|^src/App\\.tsx$|node_modules/react(-dom)?/" },
    },
    {
      name: "world-knows-no-ui",
      severity: "error",
      comment: "The world module (hooks, actions) sits under the panels and pages that use it.",
      from: { path: "^src/world/" },
      to: { path: "^src/(ui|panels|pages)/|^src/App\\.tsx$" },
    },
    {
      name: "ui-knows-no-panels",
      severity: "error",
      comment: "ui/ holds the building blocks every panel uses; it knows no panel, page or world hook.",
      from: { path: "^src/ui/" },
      to: { path: "^src/(world|panels|pages)/|^src/App\\.tsx$" },
    },
    {
      name: "panels-know-no-pages",
      severity: "error",
      comment: "Pages compose panels, not the other way round.",
      from: { path: "^src/panels/" },
      to: { path: "^src/pages/|^src/App\\.tsx$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
