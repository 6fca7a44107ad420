// App shell cache so the app opens without a connection; API calls always go to the network
// (the app's own queue handles actions made offline).
const CACHE = 'gridsight-app-v1';
const SHELL = ['/app/', '/app/app.js', '/app/styles.css', '/app/manifest.webmanifest', '/app/icon.svg', '/shared/api.js', '/shared/i18n.js', '/shared/map.js', '/shared/queue.js', '/shared/signInForm.js', '/vendor/leaflet/leaflet.js', '/vendor/leaflet/leaflet.css'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.pathname.startsWith('/api/')) return;
  event.respondWith(fetch(event.request).then((response) => {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(event.request, copy));
    return response;
  }).catch(() => caches.match(event.request)));
});
