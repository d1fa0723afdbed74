// Builds src/sw/sw.ts into dist/sw.js after the app bundle, with the list of files to precache and
// a version derived from their content. Hashed asset names keep the precache fresh; a changed
// list or index.html gives a new version, hence a new cache.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build, type Plugin } from 'vite';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

const PRECACHE_RE = /\.(html|js|css|webmanifest|png|svg|ico|woff2)$/;

/** The Vite plugin that writes dist/sw.js. */
export function serviceWorker(options: { entry: string }): Plugin {
  let outDir = 'dist';
  let root = process.cwd();
  return {
    name: 'pulih-service-worker',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const files = walk(outDir)
        .map((f) => `/${relative(outDir, f).split('\\').join('/')}`)
        .filter((f) => PRECACHE_RE.test(f) && f !== '/sw.js')
        .sort();
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update(readFileSync(join(outDir, f)));
      const version = hash.digest('hex').slice(0, 12);
      await build({
        configFile: false,
        root,
        logLevel: 'warn',
        publicDir: false,
        define: {
          __PRECACHE__: JSON.stringify(files),
          __SW_VERSION__: JSON.stringify(version),
        },
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          minify: true,
          lib: {
            entry: resolve(root, options.entry),
            formats: ['iife'],
            name: 'pulihSw',
            fileName: () => 'sw.js',
          },
        },
      });
    },
  };
}
