// Builds src/sw/sw.ts into dist/sw.js after the app bundle, with the list of files to precache and
// a version derived from their content. Hashed asset names keep the precache fresh; a changed
// list or index.html gives a new version, hence a new cache.
// The precache is everything a counselor's tablet may open offline: index.html, the entry chunk
// and what it imports, the counselor's screens it imports dynamically (lazy chunks: the first
// paint does not wait for them, an offline tablet still opens every screen), their CSS, the
// manifest and icons. Chunks reached only through a staff area (the supervisor and admin views,
// their charts, the password scorer: `staffOnly`) are left out: a counselor's tablet never
// downloads them, and the service worker caches each one the first time it is fetched.
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

interface ChunkInfo {
  type: 'chunk' | 'asset';
  fileName: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  facadeModuleId?: string | null;
  viteMetadata?: { importedCss: Set<string> };
}

/** The JS and CSS files of a bundle left out of the precache: those the entry reaches neither
 * statically nor through a dynamic import, except dynamic imports of a module `staffOnly`
 * matches (a staff view: what only it reaches stays out). */
export function lazyFiles(
  bundle: Record<string, ChunkInfo>,
  staffOnly: RegExp = /^$/,
): Set<string> {
  const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
  const shell = new Set<string>();
  const visit = (fileName: string) => {
    const chunk = bundle[fileName];
    if (!chunk || shell.has(fileName)) return;
    shell.add(fileName);
    for (const css of chunk.viteMetadata?.importedCss ?? []) shell.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
    for (const imported of chunk.dynamicImports ?? []) {
      const target = bundle[imported];
      if (target && !staffOnly.test(target.facadeModuleId ?? '')) visit(imported);
    }
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName);
  const lazy = new Set<string>();
  for (const item of Object.values(bundle)) {
    if (/\.(js|css)$/.test(item.fileName) && !shell.has(item.fileName)) {
      lazy.add(`/${item.fileName}`);
    }
  }
  return lazy;
}

/** The Vite plugin that writes dist/sw.js. */
export function serviceWorker(options: { entry: string; staffOnly?: RegExp }): Plugin {
  let outDir = 'dist';
  let root = process.cwd();
  let lazy = new Set<string>();
  return {
    name: 'pulih-service-worker',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = resolve(config.root, config.build.outDir);
    },
    generateBundle(_options, bundle) {
      lazy = lazyFiles(bundle as unknown as Record<string, ChunkInfo>, options.staffOnly);
    },
    async closeBundle() {
      const files = walk(outDir)
        .map((f) => `/${relative(outDir, f).split('\\').join('/')}`)
        .filter((f) => PRECACHE_RE.test(f) && f !== '/sw.js' && !lazy.has(f))
        .sort();
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update(readFileSync(join(outDir, f)));
      // Lazy chunks change the version too: their names are in the entry chunk anyway.
      for (const f of [...lazy].sort()) hash.update(f);
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
