import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the API server itself (same origin, strict CSP: no inline scripts or styles).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    // Not emptied: a server started before a rebuild still serves the old index.html, whose hashed assets must
    // stay until it restarts. scripts/build-web.mjs prunes assets older than the last builds.
    emptyOutDir: false,
    // Sizes are reported by scripts/build-web.mjs (gzip per entry).
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
