import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In dev, the API runs on its own port (`npm start`); Vite proxies /api to it.
const api = process.env.WEFT_API_URL ?? "http://127.0.0.1:8787";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", sourcemap: true, chunkSizeWarningLimit: 3000 },
  server: { proxy: { "/api": { target: api, changeOrigin: false } } },
});
