/**
 * A small HTTP client for the data-path benchmarks: JSON calls to Valet's API, and file bodies
 * streamed from disk (never held in memory) to storage or the app. node:http rather than fetch,
 * so each PUT carries an exact Content-Length (presigned URLs have it signed in) with a streamed
 * body, and downloads are drained and counted without buffering.
 */
import { randomBytes } from "node:crypto"
import { createReadStream, createWriteStream } from "node:fs"
import { stat } from "node:fs/promises"
import http from "node:http"
import https from "node:https"
import path from "node:path"
import { once } from "node:events"

export const MIB = 1024 * 1024
export const GIB = 1024 * MIB

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 })
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 })

/** A byte range of a file on disk, sent as a request body. */
export type FileRange = { path: string; offset: number; size: number }

type Sent = { status: number; headers: http.IncomingHttpHeaders; body: Buffer; bytes: number }

/**
 * One HTTP request. With `file`, the body is streamed from that range; with `drain`, the response
 * body is counted and dropped instead of kept.
 */
export function send(
  url: string,
  options: {
    method: string
    headers?: Record<string, string>
    json?: unknown
    form?: Record<string, string>
    file?: FileRange
    drain?: boolean
  },
): Promise<Sent> {
  const target = new URL(url)
  const isHttps = target.protocol === "https:"
  const headers: Record<string, string> = { ...options.headers }
  let payload: Buffer | undefined
  if (options.json !== undefined) {
    payload = Buffer.from(JSON.stringify(options.json))
    headers["content-type"] = "application/json"
  } else if (options.form) {
    payload = Buffer.from(new URLSearchParams(options.form).toString())
    headers["content-type"] = "application/x-www-form-urlencoded"
  }
  if (payload) headers["content-length"] = String(payload.length)
  if (options.file) headers["content-length"] = String(options.file.size)

  return new Promise<Sent>((resolve, reject) => {
    const request = (isHttps ? https : http).request(
      target,
      { method: options.method, headers, agent: isHttps ? httpsAgent : httpAgent },
      (response) => {
        const chunks: Buffer[] = []
        let bytes = 0
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length
          if (!options.drain || (response.statusCode ?? 0) >= 300) chunks.push(chunk)
        })
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), bytes }),
        )
        response.on("error", reject)
      },
    )
    request.on("error", reject)
    if (options.file) {
      const { file } = options
      // An empty range would make createReadStream read to the end of the file.
      if (file.size === 0) request.end()
      else
        createReadStream(file.path, { start: file.offset, end: file.offset + file.size - 1, highWaterMark: MIB })
          .on("error", reject)
          .pipe(request)
    } else request.end(payload)
  })
}

export class HttpError extends Error {
  override name = "HttpError"
}

/** The response, or an error naming the call and what the server answered. */
export function expectStatus(what: string, response: Sent, ...statuses: number[]): Sent {
  if (!statuses.includes(response.status)) {
    throw new HttpError(`${what}: HTTP ${response.status} ${response.body.toString("utf8").slice(0, 300)}`)
  }
  return response
}

/** Download keys per POST /api/files/download call in ValetClient.downloadMany. */
const KEYS_PER_DOWNLOAD_CALL = 25

/** Runs `work` over `items` with at most `concurrency` at once; results keep the items' order. */
export async function mapConcurrent<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  return results
}

/** Random (incompressible) bytes in a file under `dir`, written once and reused by every scenario. */
export async function ensureRandomFile(dir: string, size: number): Promise<string> {
  const file = path.join(dir, `random-${size}.bin`)
  const existing = await stat(file).catch(() => null)
  if (existing?.size === size) return file
  const out = createWriteStream(file)
  for (let written = 0; written < size;) {
    const chunk = randomBytes(Math.min(16 * MIB, size - written))
    written += chunk.length
    if (!out.write(chunk)) await once(out, "drain")
  }
  out.end()
  await once(out, "finish")
  return file
}

/** A `10.x.y.z` address for X-Forwarded-For, so per-IP sign-up limits never collide between runs. */
export function randomClientIp(): string {
  const [a = 0, b = 0, c = 1] = randomBytes(3)
  return `10.${a}.${b}.${Math.max(c, 1)}`
}

/**
 * A fresh account with a password and a personal API token, made through the public API:
 * register, sign in through next-auth's credentials flow (CSRF cookie + token), create a token.
 * Each scenario has its own, so its uploads never count against another's quota or rate limit.
 */
export async function createAccount(appUrl: string, label: string) {
  const id = randomBytes(5).toString("hex")
  const credentials = { email: `${label}-${id}@example.test`, password: `Correct-horse-${id}`, name: `${label} ${id}` }
  const origin = new URL(appUrl).origin
  const base = { origin, "x-forwarded-for": randomClientIp() }
  expectStatus(
    "register",
    await send(`${appUrl}/api/register`, { method: "POST", headers: base, json: credentials }),
    201,
  )

  const cookies = new Map<string, string>()
  const keep = (response: Sent) => {
    for (const line of response.headers["set-cookie"] ?? []) {
      const [pair = ""] = line.split(";")
      const split = pair.indexOf("=")
      cookies.set(pair.slice(0, split), pair.slice(split + 1))
    }
    return response
  }
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join("; ")
  const csrf = keep(expectStatus("csrf", await send(`${appUrl}/api/auth/csrf`, { method: "GET", headers: base }), 200))
  const { csrfToken } = JSON.parse(csrf.body.toString("utf8")) as { csrfToken: string }
  keep(
    expectStatus(
      "sign-in",
      await send(`${appUrl}/api/auth/callback/credentials`, {
        method: "POST",
        headers: { ...base, cookie: cookieHeader() },
        form: { csrfToken, email: credentials.email, password: credentials.password, json: "true", callbackUrl: "/" },
      }),
      200,
      302,
    ),
  )
  const created = expectStatus(
    "create token",
    await send(`${appUrl}/api/tokens`, {
      method: "POST",
      headers: { ...base, cookie: cookieHeader() },
      json: { name: `bench ${label}` },
    }),
    201,
  )
  const { token } = JSON.parse(created.body.toString("utf8")) as { token: { secret: string } }
  return { ...credentials, bearerToken: token.secret }
}

type UploadInput = { name: string; type: string; file: FileRange; parallelParts: number }

type UploadGrant =
  | { id: string; multipart: false; url: string; headers: Record<string, string> }
  | { id: string; multipart: true; partSize: number; partCount: number }
type ItemError = { error: { code: string; message: string } }
type GrantInput = { name: string; size: number; type: string }

/** Times an API call is repeated after a 503 (Retry-After honoured, at most 10 s each). */
const SERVICE_UNAVAILABLE_RETRIES = 4
/** Valet's batch cap (MAX_FILES_PER_BATCH): items per grant or completion call. */
const MAX_FILES_PER_BATCH = 100
/**
 * How long a completion waits for others to join its call while PUTs are still in flight: the
 * files of one cohort finish within a few ms of each other; one slow PUT must not hold the rest.
 */
const COMPLETE_LINGER_MS = 50

/**
 * Coalesces calls made close together into one batch call (DataLoader-style): items queue until
 * `flush` decides, then one call answers all of them. Each item still gets its own answer or error.
 */
class Coalescer<In, Out> {
  private queue: { input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = []
  private timer: NodeJS.Timeout | undefined
  private scheduled = false

  constructor(
    private readonly run: (inputs: In[]) => Promise<(Out | Error)[]>,
    /** Flush now? Asked after each item joins and when the linger timer fires. */
    private readonly ready: (queued: number) => boolean = () => true,
    private readonly lingerMs = 0,
  ) {}

  add(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve, reject })
      this.poke()
    })
  }

  /** Re-checks `ready` (e.g. once a PUT finished without joining). */
  poke() {
    if (this.queue.length === 0 || this.scheduled) return
    if (this.ready(this.queue.length) || this.queue.length >= MAX_FILES_PER_BATCH) {
      this.scheduled = true
      // After the current tick: calls made in the same tick join the same batch.
      setImmediate(() => this.flush())
    } else this.timer ??= setTimeout(() => this.flush(), this.lingerMs)
  }

  private flush() {
    clearTimeout(this.timer)
    this.timer = undefined
    this.scheduled = false
    const taken = this.queue.splice(0, MAX_FILES_PER_BATCH)
    if (taken.length === 0) return
    this.run(taken.map((item) => item.input)).then(
      (results) =>
        taken.forEach((item, index) => {
          const result = results[index]
          if (result instanceof Error || result === undefined) item.reject(result ?? new HttpError("no result"))
          else item.resolve(result)
        }),
      (error: unknown) => taken.forEach((item) => item.reject(error)),
    )
    this.poke()
  }
}

/**
 * Valet's API as a Bearer-token client; every byte goes to storage on a presigned URL. Uploads
 * started close together share their API calls: grants made in the same tick go out as one
 * `POST /api/uploads {files}`, and single-PUT completions as one `POST /api/uploads/complete`
 * once every PUT in flight has landed (or after COMPLETE_LINGER_MS). Each file keeps its own
 * grant, key and verification; a lone file uses the one-file calls.
 */
export class ValetClient {
  /** Calls to the app's API so far (grants, part batches, completions, download redirects, deletes). */
  apiCalls = 0
  private singlePutsInFlight = 0
  private readonly grants = new Coalescer<GrantInput, UploadGrant>((inputs) => this.grantMany(inputs))
  private readonly completions = new Coalescer<string, string>(
    (ids) => this.completeMany(ids),
    () => this.singlePutsInFlight === 0,
    COMPLETE_LINGER_MS,
  )

  constructor(
    readonly appUrl: string,
    readonly bearerToken: string,
    /** The proxy baseline's server (bench/proxy/server.ts); the product has no proxy routes. */
    readonly proxyUrl = appUrl,
  ) {}

  private async grantMany(inputs: GrantInput[]): Promise<(UploadGrant | Error)[]> {
    if (inputs.length === 1)
      return [(await this.api<{ upload: UploadGrant }>("grant", "POST", "/api/uploads", inputs[0])).upload]
    const { results } = await this.api<{ results: ({ upload: UploadGrant } | ItemError)[] }>(
      "batch grant",
      "POST",
      "/api/uploads",
      { files: inputs },
      200,
    )
    return results.map((result) =>
      "error" in result ? new HttpError(`grant: ${result.error.code} ${result.error.message}`) : result.upload,
    )
  }

  private async completeMany(ids: string[]): Promise<(string | Error)[]> {
    if (ids.length === 1)
      return [(await this.api<{ file: { id: string } }>("complete", "POST", `/api/uploads/${ids[0]}/complete`)).file.id]
    const { results } = await this.api<{
      results: ({ id: string; file: { id: string } } | (ItemError & { id: string }))[]
    }>("batch complete", "POST", "/api/uploads/complete", { uploads: ids.map((id) => ({ id })) }, 200)
    return results.map((result) =>
      "error" in result ? new HttpError(`complete: ${result.error.code} ${result.error.message}`) : result.file.id,
    )
  }

  private async api<T>(
    what: string,
    method: string,
    pathname: string,
    json?: unknown,
    ...statuses: number[]
  ): Promise<T> {
    this.apiCalls++
    let response = await send(`${this.appUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${this.bearerToken}` },
      json,
    })
    // A 503 says "retry after Retry-After", and every call here may be repeated (a completion is
    // idempotent; a refused grant left nothing). On a loaded machine storage can fall silent for
    // longer than the app waits, e.g. while assembling 128 parts, and completing again finds the object.
    for (let attempt = 1; response.status === 503 && attempt <= SERVICE_UNAVAILABLE_RETRIES; attempt++) {
      const wait = Math.min(10, Number(response.headers["retry-after"]) || 2)
      await new Promise((resolve) => setTimeout(resolve, wait * 1000))
      this.apiCalls++
      response = await send(`${this.appUrl}${pathname}`, {
        method,
        headers: { authorization: `Bearer ${this.bearerToken}` },
        json,
      })
    }
    expectStatus(what, response, ...(statuses.length ? statuses : [200, 201]))
    return (response.body.length ? JSON.parse(response.body.toString("utf8")) : undefined) as T
  }

  /**
   * Grant → PUT to storage (one request, or the parts `parallelParts` at a time, their URLs
   * signed up to 100 per call, one audit row per call) → complete. Answers the recorded file's id.
   */
  async upload(input: UploadInput): Promise<string> {
    return this.put(await this.grants.add({ name: input.name, size: input.file.size, type: input.type }), input)
  }

  /**
   * Many files the way the dashboard sends files picked together: granted up front, 100 per call
   * (each its own key and audit row), then put `concurrency` at a time, completions batched as
   * they land. Answers the files' ids in order.
   */
  async uploadMany(inputs: UploadInput[], concurrency: number): Promise<string[]> {
    const grants: UploadGrant[] = []
    for (let from = 0; from < inputs.length; from += MAX_FILES_PER_BATCH) {
      const batch = inputs.slice(from, from + MAX_FILES_PER_BATCH)
      const answers = await this.grantMany(
        batch.map((input) => ({ name: input.name, size: input.file.size, type: input.type })),
      )
      for (const answer of answers) {
        if (answer instanceof Error) throw answer
        grants.push(answer)
      }
    }
    return mapConcurrent(inputs, concurrency, (input, index) => this.put(grants[index] as UploadGrant, input))
  }

  /** PUTs a granted file to storage (in one request or in parts) and completes it. */
  private async put(upload: UploadGrant, input: UploadInput): Promise<string> {
    if (!upload.multipart) {
      this.singlePutsInFlight++
      try {
        // S3 answers 200, Azure's Put Blob 201.
        expectStatus(
          "PUT to storage",
          await send(upload.url, { method: "PUT", headers: upload.headers, file: input.file }),
          200,
          201,
        )
      } finally {
        this.singlePutsInFlight--
        this.completions.poke()
      }
      return this.completions.add(upload.id)
    }
    const partNumbers = Array.from({ length: upload.partCount }, (_, index) => index + 1)
    const urls: { partNumber: number; size: number; url: string }[] = []
    for (let from = 0; from < partNumbers.length; from += 100) {
      const { parts } = await this.api<{ parts: typeof urls }>(
        "sign parts",
        "POST",
        `/api/uploads/${upload.id}/parts`,
        {
          partNumbers: partNumbers.slice(from, from + 100),
        },
      )
      urls.push(...parts)
    }
    const etags = await mapConcurrent(urls, input.parallelParts, async (part) => {
      const offset = input.file.offset + (part.partNumber - 1) * upload.partSize
      const response = expectStatus(
        "PUT part",
        await send(part.url, { method: "PUT", file: { path: input.file.path, offset, size: part.size } }),
        200,
        201,
      )
      // Azure's Put Block answers without an ETag: the block id names the part (the server lists them anyway).
      const etag = response.headers.etag ?? new URL(part.url).searchParams.get("blockid") ?? ""
      return { partNumber: part.partNumber, etag: String(etag) }
    })
    return (
      await this.api<{ file: { id: string } }>("complete", "POST", `/api/uploads/${upload.id}/complete`, {
        parts: etags,
      })
    ).file.id
  }

  /** The app's 302 to a presigned GET, then the bytes from storage; answers the bytes received. */
  async download(fileId: string): Promise<number> {
    this.apiCalls++
    const redirect = await send(`${this.appUrl}/api/files/${fileId}/download`, {
      method: "GET",
      headers: { authorization: `Bearer ${this.bearerToken}` },
    })
    expectStatus("download", redirect, 302)
    const location = redirect.headers.location
    if (!location) throw new HttpError("download: 302 without a Location")
    return expectStatus("GET from storage", await send(location, { method: "GET", drain: true }), 200).bytes
  }

  /**
   * Many files: their keys come KEYS_PER_DOWNLOAD_CALL at a time from POST /api/files/download,
   * asked for when the first worker reaches a chunk (a key lives DOWNLOAD_URL_TTL_SECONDS, 60 s by
   * default, so none is minted long before its GET), then the bytes, `concurrency` files at once.
   */
  async downloadMany(fileIds: string[], concurrency: number): Promise<number[]> {
    const chunks = new Map<number, Promise<string[]>>()
    const keyFor = async (index: number) => {
      const chunk = Math.floor(index / KEYS_PER_DOWNLOAD_CALL)
      let urls = chunks.get(chunk)
      if (!urls) {
        const ids = fileIds.slice(chunk * KEYS_PER_DOWNLOAD_CALL, (chunk + 1) * KEYS_PER_DOWNLOAD_CALL)
        urls = this.api<{ results: ({ id: string; url: string } | (ItemError & { id: string }))[] }>(
          "batch download",
          "POST",
          "/api/files/download",
          { ids },
          200,
        ).then(({ results }) =>
          results.map((result) => {
            if ("error" in result) throw new HttpError(`download: ${result.error.code} ${result.error.message}`)
            return result.url
          }),
        )
        chunks.set(chunk, urls)
      }
      return (await urls)[index % KEYS_PER_DOWNLOAD_CALL] ?? ""
    }
    return mapConcurrent(fileIds, concurrency, async (_, index) => {
      const location = await keyFor(index)
      return expectStatus("GET from storage", await send(location, { method: "GET", drain: true }), 200).bytes
    })
  }

  /** The proxy baseline (bench/proxy/): the body goes through the server. */
  async proxyUpload(input: { name: string; type: string; file: FileRange }): Promise<string> {
    const query = new URLSearchParams({ name: input.name, type: input.type })
    const response = await send(`${this.proxyUrl}/api/bench/proxy/uploads?${query}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${this.bearerToken}` },
      file: input.file,
    })
    expectStatus("proxy upload", response, 201)
    return (JSON.parse(response.body.toString("utf8")) as { file: { id: string } }).file.id
  }

  async proxyDownload(fileId: string): Promise<number> {
    const response = await send(`${this.proxyUrl}/api/bench/proxy/files/${fileId}`, {
      method: "GET",
      headers: { authorization: `Bearer ${this.bearerToken}` },
      drain: true,
    })
    return expectStatus("proxy download", response, 200).bytes
  }

  async deleteFile(fileId: string): Promise<void> {
    await this.api("delete file", "DELETE", `/api/files/${fileId}`, undefined, 204, 404)
  }
}
