import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The POS single-page app. `npm run build:web` writes web/pos/dist, which pos-web-app serves at `/`.
 * `npx vite --config web/pos/vite.config.ts` serves it with hot reload, sending /api to a running
 * `npm start` on :3000.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
