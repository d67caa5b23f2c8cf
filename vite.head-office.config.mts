import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Head office's page, served by the collector under /office/ (central/office/api.ts).
export default defineConfig({
  root: 'renderer/head-office',
  base: '/office/',
  plugins: [react()],
  build: {
    outDir: '../../dist/head-office',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    // One bundle for an office PC on a LAN: React, the chart library, both languages.
    chunkSizeWarningLimit: 1200,
  },
});
