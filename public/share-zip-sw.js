// Service worker for a share page's "Download all" where the File System Access API is missing.
// The page builds the zip as a stream (client-zip) and hands the stream over; this worker answers
// one navigation to /s/zip/<id> with it as an attachment, so the browser's download manager saves
// the bytes as they are made and nothing holds the whole zip in memory. Scope: /s/zip/ only.
const pending = new Map()
const ID = /^\/s\/zip\/([A-Za-z0-9_-]{16,64})$/

self.addEventListener("install", () => self.skipWaiting())
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()))

self.addEventListener("message", (event) => {
  const data = event.data || {}
  if (event.origin && event.origin !== self.location.origin) return
  if (typeof data.id !== "string" || !(data.stream instanceof ReadableStream)) return
  pending.set(data.id, { stream: data.stream, name: String(data.name || "download.zip"), size: data.size })
  // Unclaimed streams do not linger: the page navigates right after this answer.
  setTimeout(() => pending.delete(data.id), 60_000)
  if (event.ports[0]) event.ports[0].postMessage({ ready: true })
})

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url)
  const match = url.origin === self.location.origin ? ID.exec(url.pathname) : null
  if (!match) return
  const entry = pending.get(match[1])
  pending.delete(match[1])
  if (!entry) {
    event.respondWith(
      new Response("This download has already started or has expired.", {
        status: 404,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      }),
    )
    return
  }
  const ascii = entry.name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_")
  const headers = {
    "Content-Type": "application/zip",
    "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(entry.name)}`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  }
  if (typeof entry.size === "number" && Number.isSafeInteger(entry.size)) headers["Content-Length"] = String(entry.size)
  event.respondWith(new Response(entry.stream, { headers }))
})
