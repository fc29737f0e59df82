"use client"

import { makeZip, predictLength } from "client-zip"
import type { ApiErrorBody, ErrorCode } from "@/lib/shared/error-codes"
import { zipEntryNames } from "@/lib/shared/zip-names"
import type { DownloadAllWire, DownloadKeyWire } from "@/lib/shared/wire/shares"

/**
 * "Download all" made in the browser: the app counts the zip as one download and hands back a
 * ticket; client-zip pulls one file at a time, fetching a fresh 60 s key for each just before it
 * reads it (a key minted up front would expire during a long zip), and streams the zip out.
 * Memory stays bounded by the streams' queues, whatever the total size, as long as the sink
 * streams too:
 * 1. the File System Access API (`showSaveFilePicker`) writes straight to the chosen file;
 * 2. else a service worker answers a download navigation with the stream (public/share-zip-sw.js);
 * 3. else a Blob: the whole zip is held by the browser (in memory, or on disk once Chromium spills
 *    large blobs) before it is saved — the only path whose memory grows with the zip.
 */

type Started = DownloadAllWire
export type ZipProgress = { filesDone: number; fileCount: number; bytesDone: number; bytesTotal: number }
export type ZipResult = { remainingDownloads: number | null; sink: "file-picker" | "service-worker" | "blob" }

export class ZipError extends Error {
  constructor(
    readonly code: ErrorCode | "aborted" | "storage",
    message: string,
  ) {
    super(message)
  }
}

const JSON_HEADERS = { accept: "application/json", "content-type": "application/json" }

async function failure(response: Response): Promise<ZipError> {
  const body = (await response.json().catch(() => null)) as Partial<ApiErrorBody> | null
  return new ZipError(body?.error?.code ?? "internal_error", body?.error?.message ?? `HTTP ${response.status}`)
}

type SaveFilePicker = (options: {
  suggestedName: string
  types?: { description: string; accept: Record<string, string[]> }[]
}) => Promise<{
  createWritable: () => Promise<WritableStream<Uint8Array>>
}>

const filePicker = (): SaveFilePicker | undefined =>
  (window as unknown as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker

/** Registers the zip worker for /s/zip/ only, and waits until it can take a stream. */
async function zipWorker(): Promise<ServiceWorker | null> {
  if (!("serviceWorker" in navigator) || typeof ReadableStream === "undefined") return null
  try {
    const registration = await navigator.serviceWorker.register("/share-zip-sw.js", { scope: "/s/zip/" })
    const worker = registration.active ?? registration.waiting ?? registration.installing
    if (!worker) return null
    if (worker.state === "activated") return worker
    await new Promise<void>((resolve) =>
      worker.addEventListener("statechange", () => worker.state === "activated" && resolve()),
    )
    return worker
  } catch {
    return null
  }
}

/** Chromium stops an idle service worker after ~30 s; a message now and then keeps a long zip's alive. */
const WORKER_PING_MS = 10_000

async function saveThroughWorker(
  worker: ServiceWorker,
  zip: ReadableStream<Uint8Array>,
  name: string,
  size: number,
): Promise<void> {
  const ping = setInterval(() => worker.postMessage({ ping: true }), WORKER_PING_MS)
  const stream = zip.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      flush: () => clearInterval(ping),
    }),
  )
  const id = crypto.randomUUID().replaceAll("-", "")
  const channel = new MessageChannel()
  const ready = new Promise<void>((resolve) => {
    channel.port1.onmessage = () => resolve()
  })
  worker.postMessage({ id, stream, name, size }, [stream as unknown as Transferable, channel.port2])
  await ready
  const link = document.createElement("a")
  link.href = `/s/zip/${id}`
  link.rel = "noopener"
  document.body.append(link)
  link.click()
  link.remove()
}

/**
 * Builds and saves the zip of a link's files. Call it straight from the click: the file picker
 * needs the click's user activation, so it is asked before anything is counted (cancelling it
 * counts nothing).
 */
export async function downloadAll(
  token: string,
  zipName: string,
  onProgress: (progress: ZipProgress) => void,
): Promise<ZipResult> {
  const picker = filePicker()
  let writable: WritableStream<Uint8Array> | undefined
  if (picker) {
    try {
      const handle = await picker({
        suggestedName: zipName,
        types: [{ description: "Zip archive", accept: { "application/zip": [".zip"] } }],
      })
      writable = await handle.createWritable()
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw new ZipError("aborted", "Cancelled")
      writable = undefined
    }
  }
  const worker = writable ? null : await zipWorker()

  const base = `/s/${encodeURIComponent(token)}`
  const startResponse = await fetch(`${base}/download-all`, { method: "POST", headers: JSON_HEADERS, body: "{}" })
  if (!startResponse.ok) throw await failure(startResponse)
  const started = (await startResponse.json()) as Started
  const names = zipEntryNames(started.files.map((file) => file.name))
  const lastModified = new Date()
  const metadata = started.files.map((file, index) => ({ name: names[index] ?? "file", size: file.size }))
  const zipSize = Number(predictLength(metadata))
  const progress: ZipProgress = { filesDone: 0, fileCount: started.files.length, bytesDone: 0, bytesTotal: zipSize }

  async function* entries() {
    for (const [index, file] of started.files.entries()) {
      const keyResponse = await fetch(`${base}/files/${encodeURIComponent(file.id)}/download`, {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({ ticket: started.ticket }),
      })
      if (!keyResponse.ok) throw await failure(keyResponse)
      const { url } = (await keyResponse.json()) as DownloadKeyWire
      const object = await fetch(url, { referrerPolicy: "no-referrer" })
      if (!object.ok || !object.body)
        throw new ZipError("storage", `Storage answered ${object.status} for ${file.name}`)
      yield { name: names[index] ?? "file", lastModified, size: file.size, input: object.body }
      progress.filesDone = index + 1
      onProgress({ ...progress })
    }
  }

  const counted = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      progress.bytesDone += chunk.byteLength
      onProgress({ ...progress })
      controller.enqueue(chunk)
    },
  })
  const zip = makeZip(entries(), { metadata }).pipeThrough(counted)

  if (writable) {
    await zip.pipeTo(writable)
    return { remainingDownloads: started.remainingDownloads, sink: "file-picker" }
  }
  if (worker) {
    await saveThroughWorker(worker, zip, zipName, zipSize)
    return { remainingDownloads: started.remainingDownloads, sink: "service-worker" }
  }
  const blob = await new Response(zip).blob()
  const url = URL.createObjectURL(blob)
  const link = document.createElement("a")
  link.href = url
  link.download = zipName
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
  return { remainingDownloads: started.remainingDownloads, sink: "blob" }
}
