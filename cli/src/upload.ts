import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { readFile, rm, stat } from "node:fs/promises"
import { Readable } from "node:stream"
import path from "node:path"
import { Api, send } from "./api.js"
import { uploadStateDir, writePrivateFile } from "./config.js"
import { CliError, EXIT } from "./errors.js"
import { contentTypeOf } from "./media-types.js"
import type { Output } from "./output.js"

export type UploadedFile = { id: string; name: string; size: number; type: string; createdAt: string }

type Grant =
  | { id: string; multipart: false; url: string; headers: Record<string, string>; storage: "s3" | "azure" }
  | { id: string; multipart: true; partSize: number; partCount: number; expiresAt: string; storage: "s3" | "azure" }

type SignedPart = { partNumber: number; size: number; url: string; expiresAt: string }

/**
 * What a rerun needs to resume a multipart upload: the upload id and how the file was cut, and
 * the parts this client saw storage accept. Only the server's list decides what is really there
 * (where storage can list parts); the recorded ETags serve where it cannot.
 */
type UploadState = {
  version: 1
  server: string
  path: string
  size: number
  mtimeMs: number
  name: string
  type: string
  uploadId: string
  storage: "s3" | "azure"
  partSize: number
  partCount: number
  parts: Record<string, string>
}

export type UploadReport = {
  file: UploadedFile
  /** Whether an interrupted upload of this file was picked up again. */
  resumed: boolean
  partCount: number
  /** Parts sent by this run (a single PUT counts as one). */
  partsSent: number
}

/** A part's body must reach storage whole; each try gets this long, then it is tried again. */
const PART_TIMEOUT_MS = 10 * 60_000
const PART_ATTEMPTS = 4
/** Signed ahead of the workers, at most this many per request (the server takes up to 100). */
const SIGN_BATCH = 16
/** A part URL this close to its expiry is signed again before use. */
const URL_MARGIN_MS = 60_000

const stateFileFor = (server: string, file: string) =>
  path.join(uploadStateDir(), `${createHash("sha256").update(`${server}\n${file}`).digest("hex").slice(0, 32)}.json`)

async function readState(file: string): Promise<UploadState | null> {
  try {
    const state = JSON.parse(await readFile(file, "utf8")) as UploadState
    return state.version === 1 ? state : null
  } catch {
    return null
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function uploadFile(
  api: Api,
  output: Output,
  filePath: string,
  options: { parallel: number; type?: string; name?: string },
): Promise<UploadReport> {
  const absolute = path.resolve(filePath)
  const info = await stat(absolute).catch(() => null)
  if (!info) throw new CliError(`${filePath}: no such file`, EXIT.usage, "usage")
  if (!info.isFile()) throw new CliError(`${filePath}: not a regular file`, EXIT.usage, "usage")
  const name = options.name ?? path.basename(absolute)
  const type = options.type ?? contentTypeOf(name)
  const stateFile = stateFileFor(api.baseUrl, absolute)

  const saved = await readState(stateFile)
  if (
    saved &&
    saved.size === info.size &&
    saved.mtimeMs === info.mtimeMs &&
    saved.name === name &&
    saved.type === type
  ) {
    const resumed = await resumeUpload(api, output, saved, stateFile, options.parallel)
    if (resumed) return resumed
  } else if (saved) {
    // The file changed since: its old upload can never complete; the server's reaper closes it.
    await rm(stateFile, { force: true })
  }

  const { upload } = await api.call<{ upload: Grant }>("POST", "/api/uploads", { name, size: info.size, type })
  if (!upload.multipart) {
    const progress = output.progress(name, info.size)
    const response = await putRange(upload.url, upload.headers, absolute, 0, info.size, (bytes) => progress.add(bytes))
    if (!response.ok) throw await storageRefusal(response)
    progress.event(`uploaded ${info.size} bytes`)
    const { file } = await api.call<{ file: UploadedFile }>("POST", `/api/uploads/${upload.id}/complete`, {})
    progress.done()
    return { file, resumed: false, partCount: 1, partsSent: 1 }
  }

  const state: UploadState = {
    version: 1,
    server: api.baseUrl,
    path: absolute,
    size: info.size,
    mtimeMs: info.mtimeMs,
    name,
    type,
    uploadId: upload.id,
    storage: upload.storage,
    partSize: upload.partSize,
    partCount: upload.partCount,
    parts: {},
  }
  await writePrivateFile(stateFile, JSON.stringify(state))
  return sendParts(api, output, state, stateFile, options.parallel, false)
}

/**
 * Picks up an interrupted upload: asks the server which parts storage holds and sends only the
 * others. Null when the upload cannot go on (completed, cancelled, expired): start afresh.
 */
async function resumeUpload(
  api: Api,
  output: Output,
  state: UploadState,
  stateFile: string,
  parallel: number,
): Promise<UploadReport | null> {
  let listing: { parts: { partNumber: number; etag: string; size: number }[]; listed?: boolean }
  try {
    listing = await api.call("GET", `/api/uploads/${state.uploadId}/parts`)
  } catch (error) {
    if (error instanceof CliError && (error.status === 404 || error.status === 409)) {
      output.note(`${state.name}: the earlier upload is no longer open; starting again`)
      await rm(stateFile, { force: true })
      return null
    }
    throw error
  }
  if (listing.listed !== false) {
    const expected = (partNumber: number) =>
      partNumber < state.partCount ? state.partSize : state.size - state.partSize * (state.partCount - 1)
    state.parts = Object.fromEntries(
      listing.parts
        .filter((part) => part.partNumber <= state.partCount && part.size === expected(part.partNumber))
        .map((part) => [String(part.partNumber), part.etag]),
    )
    await writePrivateFile(stateFile, JSON.stringify(state))
  }
  return sendParts(api, output, state, stateFile, parallel, true)
}

async function sendParts(
  api: Api,
  output: Output,
  state: UploadState,
  stateFile: string,
  parallel: number,
  resumed: boolean,
): Promise<UploadReport> {
  const partSizeOf = (partNumber: number) =>
    partNumber < state.partCount ? state.partSize : state.size - state.partSize * (state.partCount - 1)
  const missing: number[] = []
  for (let partNumber = 1; partNumber <= state.partCount; partNumber++)
    if (!state.parts[String(partNumber)]) missing.push(partNumber)

  const progress = output.progress(state.name, state.size)
  const alreadyThere = state.partCount - missing.length
  if (resumed) {
    progress.event(
      `resuming: ${alreadyThere} of ${state.partCount} parts already in storage, sending ${missing.length}`,
    )
    progress.add(state.size - missing.reduce((sum, partNumber) => sum + partSizeOf(partNumber), 0))
  }

  // Part URLs come in small batches just ahead of the workers: signed too early, they would
  // expire on a slow link (15 min by default). A batch in flight is shared by the parts it holds.
  const urls = new Map<number, Promise<SignedPart>>()
  const queue = [...missing]
  const signBatch = (partNumbers: number[]) => {
    const batch = api
      .call<{ parts: SignedPart[] }>("POST", `/api/uploads/${state.uploadId}/parts`, { partNumbers })
      .then(({ parts }) => new Map(parts.map((part) => [part.partNumber, part])))
    for (const partNumber of partNumbers) {
      const signed = batch.then((parts) => {
        const part = parts.get(partNumber)
        if (!part) throw new CliError(`The server signed no URL for part ${partNumber}`, EXIT.internal)
        return part
      })
      // A failed batch is reported by the part that awaits it; the others must not crash the process.
      signed.catch(() => undefined)
      urls.set(partNumber, signed)
    }
  }
  const urlFor = async (partNumber: number, fresh: boolean): Promise<SignedPart> => {
    const cached = fresh ? undefined : await urls.get(partNumber)?.catch(() => undefined)
    if (cached && Date.parse(cached.expiresAt) - Date.now() > URL_MARGIN_MS) return cached
    signBatch([partNumber, ...queue.filter((next) => !urls.has(next)).slice(0, SIGN_BATCH - 1)])
    const signed = urls.get(partNumber)
    if (!signed) throw new CliError(`No URL for part ${partNumber}`, EXIT.internal)
    return signed
  }

  // State writes are chained: two parts finishing together must not write older state last.
  let saving = Promise.resolve()
  const record = (partNumber: number, etag: string) => {
    state.parts[String(partNumber)] = etag
    saving = saving.then(() => writePrivateFile(stateFile, JSON.stringify(state)))
    return saving
  }

  let sent = 0
  let failure: unknown = null
  const sendPart = async (partNumber: number) => {
    const size = partSizeOf(partNumber)
    for (let attempt = 1; ; attempt++) {
      // A refused signing (token revoked, upload closed) is final; storage failures are tried again.
      const part = await urlFor(partNumber, attempt > 1)
      let counted = 0
      try {
        const response = await putRange(part.url, {}, state.path, (partNumber - 1) * state.partSize, size, (bytes) => {
          counted += bytes
          progress.add(bytes)
        })
        if (!response.ok) throw await storageRefusal(response)
        // Azure's Put Block answers without an ETag; its block id identifies the part instead.
        const etag =
          response.headers.get("etag") ??
          (state.storage === "azure" ? new URL(part.url).searchParams.get("blockid") : null)
        if (!etag)
          throw new CliError(`Storage answered part ${partNumber} without an ETag`, EXIT.unavailable, "storage_error")
        await record(partNumber, etag)
        return
      } catch (error) {
        // The bar shows bytes storage kept: a failed try's bytes are sent again.
        progress.add(-counted)
        if (attempt >= PART_ATTEMPTS) throw error
        await sleep(500 * 2 ** (attempt - 1))
      }
    }
  }
  const worker = async () => {
    while (queue.length > 0 && !failure) {
      const partNumber = queue.shift()
      if (partNumber === undefined) return
      try {
        await sendPart(partNumber)
        sent++
        progress.event(`part ${partNumber}/${state.partCount} uploaded`)
      } catch (error) {
        failure ??= error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, missing.length)) }, worker))
  await saving
  if (failure) throw failure

  const parts = Object.entries(state.parts)
    .map(([partNumber, etag]) => ({ partNumber: Number(partNumber), etag }))
    .sort((a, b) => a.partNumber - b.partNumber)
  const { file } = await api.call<{ file: UploadedFile }>("POST", `/api/uploads/${state.uploadId}/complete`, { parts })
  await rm(stateFile, { force: true })
  progress.done()
  return { file, resumed, partCount: state.partCount, partsSent: sent }
}

/**
 * PUTs `length` bytes of a file from `start`, streamed from disk (a part may be up to 5 GiB) with
 * its exact Content-Length, which the key has signed in.
 */
async function putRange(
  url: string,
  headers: Record<string, string>,
  file: string,
  start: number,
  length: number,
  onBytes: (bytes: number) => void,
): Promise<Response> {
  const stream = length === 0 ? Readable.from([]) : createReadStream(file, { start, end: start + length - 1 })
  stream.on("data", (chunk: Buffer | string) => onBytes(chunk.length))
  return send(
    url,
    {
      method: "PUT",
      headers: { ...headers, "content-length": String(length) },
      body: Readable.toWeb(stream) as ReadableStream<Uint8Array>,
      duplex: "half",
      timeoutMs: PART_TIMEOUT_MS,
    },
    "upload",
  )
}

/** Storage's own refusal (S3 XML or Azure's error header): a code worth showing, never the URL. */
async function storageRefusal(response: Response): Promise<CliError> {
  const text = await response.text().catch(() => "")
  const code = response.headers.get("x-ms-error-code") ?? /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? "unknown"
  const exit = response.status >= 500 ? EXIT.unavailable : EXIT.refused
  return new CliError(
    `Storage refused the upload (HTTP ${response.status} ${code})`,
    exit,
    "storage_error",
    response.status,
  )
}
