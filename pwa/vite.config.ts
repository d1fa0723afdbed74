import preact from '@preact/preset-vite';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { serviceWorker } from './build/sw-plugin.ts';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const API = 'http://127.0.0.1:5000';

export default defineConfig({
  base: '/',
  plugins: [
    preact(),
    // The staff areas' views and what only they import are cached on first use, not precached.
    serviceWorker({
      entry: 'src/sw/sw.ts',
      staffOnly: /\/src\/client\/views\/(supervisor|admin)\//,
    }),
  ],
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
  },
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    // The instrument definitions are the server's files (src/shared/instruments.ts imports them).
    fs: { allow: ['.', '../server/instruments/definitions'] },
    proxy: {
      '/api': { target: API, changeOrigin: false },
      '/healthz': { target: API, changeOrigin: false },
    },
  },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
  },
});
