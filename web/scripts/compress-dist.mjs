// Precompress the built client: dist/**/*.{js,css,html,svg,json} → *.gz next to each file.
// The node serves the .gz copy to browsers that accept gzip (see src/odyssey/webapp.py).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, constants } from "node:zlib";

const root = new URL("../dist/", import.meta.url).pathname;
const compressible = /\.(js|css|html|svg|json|mjs)$/;
let before = 0;
let after = 0;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (compressible.test(name)) {
      const data = readFileSync(path);
      if (data.length < 1024) continue;
      const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION });
      writeFileSync(`${path}.gz`, gz);
      before += data.length;
      after += gz.length;
    }
  }
}

walk(root);
console.info(`precompressed ${(before / 1024).toFixed(0)} KiB → ${(after / 1024).toFixed(0)} KiB (gzip)`);
