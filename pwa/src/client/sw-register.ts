// Registers the service worker and offers an update when a new version waits. The new version
// takes over only when the user asks, and drafts are saved on every keystroke, so nothing typed
// is lost by the reload.
// The first install claims the page (clients.claim) and fires `controllerchange` too: that one
// must never reload, or whatever the user is typing on the login form is wiped.

/** Register /sw.js; `onUpdate` receives a function that activates the waiting version. */
export function registerServiceWorker(onUpdate: (apply: () => void) => void): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  let updateRequested = false;
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!updateRequested || reloading) return;
    reloading = true;
    location.reload();
  });
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).then((reg) => {
    const offer = (worker: ServiceWorker) =>
      onUpdate(() => {
        updateRequested = true;
        worker.postMessage({ type: 'SKIP_WAITING' });
      });
    // Only an update waits behind a controller; the first install activates at once.
    if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
      });
    });
    // Look for a new version now and then while the app stays open.
    setInterval(() => void reg.update().catch(() => undefined), 30 * 60_000);
  });
}
