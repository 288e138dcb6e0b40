import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the API server itself (same origin, strict CSP: no inline scripts or styles).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Sizes are reported by scripts/build-web.mjs (gzip per entry).
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
