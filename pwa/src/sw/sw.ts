// Pulih's service worker: precache the app shell in a versioned cache, answer navigations with the
// cached shell so the app opens offline, keep lazy chunks once loaded, and never touch /api/ or
// /healthz.
// A new version waits until the page asks it to take over (the "new version" banner).
/// <reference lib="webworker" />
export {};
declare const self: ServiceWorkerGlobalScope;
declare const __PRECACHE__: string[];
declare const __SW_VERSION__: string;

const PREFIX = 'pulih-shell-';
const CACHE = `${PREFIX}${__SW_VERSION__}`;
const SHELL = '/index.html';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(__PRECACHE__)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)),
      );
      // Control the page that installed us, or its first load never works offline.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz') return;
  if (request.mode === 'navigate') {
    event.respondWith(
      caches.open(CACHE).then(async (cache) => (await cache.match(SHELL)) ?? fetch(request)),
    );
    return;
  }
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(request);
      if (hit) return hit;
      const response = await fetch(request);
      // A lazy chunk (staff views) is kept the first time it loads; hashed names never go stale.
      if (response.ok && url.pathname.startsWith('/assets/')) {
        await cache.put(request, response.clone());
      }
      return response;
    }),
  );
});
