import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The node serves the built app at `/`; in development Vite proxies the node's routes.
const node = process.env.ODYSSEY_NODE_URL ?? "http://127.0.0.1:4000";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 9000,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes("node_modules/@babylonjs")) return "babylon";
          if (id.includes("node_modules/react")) return "react";
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      "/api": node,
      "/version": node,
      "/health": node,
      "/posbus": { target: node.replace(/^http/, "ws"), ws: true },
    },
  },
});
