/**
 * Writes ../tests/data/posbus-cross/ts-frames.json (run: `npm run gen:cross` in web/).
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateCrossFixture } from "./cross-fixture";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../../tests/data/posbus-cross/ts-frames.json");
const text = generateCrossFixture();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, text);
const frames = (JSON.parse(text) as { frames: unknown[] }).frames.length;
console.log(`wrote ${frames} frames to ${out}`);
