import { createWriteStream } from "node:fs"
import { mkdir, rename, rm, stat } from "node:fs/promises"
import path from "node:path"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { failureOf, send, USER_AGENT } from "./api.js"
import { CliError, EXIT } from "./errors.js"
import type { Output } from "./output.js"

type SharedFile = { id: string; name: string; size: number; type: string }
export type DownloadedFile = SharedFile & { path: string }

/** A storage GET may take a while for a big file; it only has to start within the key's 60 s. */
const TRANSFER_TIMEOUT_MS = 6 * 60 * 60_000

/** "https://host/base/s/<token>" → the app's base URL and the link token. */
export function parseShareUrl(raw: string): { base: string; token: string } {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new CliError(`${raw} is not a share link (expected https://…/s/<token>)`, EXIT.usage, "usage")
  }
  const match = /^(.*)\/s\/([^/]+)\/?$/.exec(url.pathname)
  if (!match?.[2] || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new CliError(`${raw} is not a share link (expected https://…/s/<token>)`, EXIT.usage, "usage")
  }
  return { base: `${url.origin}${match[1]}`, token: decodeURIComponent(match[2]) }
}

/**
 * A local name for a shared file: the display name is the sender's text, so it never picks the
 * folder (no separators, no "..", no control characters) and never overwrites a file already there.
 */
async function localPathFor(dir: string, file: SharedFile, taken: Set<string>): Promise<string> {
  const cleaned = file.name.replace(/[/\\\u0000-\u001f\u007f]/g, "_").trim()
  const base = cleaned === "" || cleaned === "." || cleaned === ".." ? `file-${file.id}` : cleaned
  const extension = path.extname(base)
  const stem = base.slice(0, base.length - extension.length)
  for (let n = 0; ; n++) {
    const candidate = path.join(dir, n === 0 ? base : `${stem} (${n})${extension}`)
    if (taken.has(candidate)) continue
    const exists = await stat(candidate).then(
      () => true,
      () => false,
    )
    if (!exists) {
      taken.add(candidate)
      return candidate
    }
  }
}

/**
 * Downloads every file of a share link as a recipient (no account): one counted "download all"
 * (POST /s/:token/download-all) that hands out a ticket, then one fresh key per file.
 */
export async function downloadShare(
  output: Output,
  shareUrl: string,
  options: { dir: string; password: () => Promise<string | undefined>; askPassword: () => Promise<string | null> },
): Promise<DownloadedFile[]> {
  const { base, token } = parseShareUrl(shareUrl)
  const linkPath = `${base}/s/${encodeURIComponent(token)}`
  const post = (route: string, body: Record<string, unknown>) =>
    send(
      `${linkPath}${route}`,
      {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", "user-agent": USER_AGENT },
        body: JSON.stringify(body),
      },
      "download",
    )

  let password = await options.password()
  let started = await post("/download-all", password === undefined ? {} : { password })
  if (started.status === 401 && password === undefined) {
    const failure = await failureOf(started, "download")
    if (failure.code !== "password_required") throw failure
    const asked = await options.askPassword()
    if (asked === null) {
      throw new CliError(
        "This link has a password: pass --password (it asks, or reads VALET_SHARE_PASSWORD)",
        EXIT.password,
        "password_required",
        401,
      )
    }
    password = asked
    started = await post("/download-all", { password })
  }
  if (!started.ok) throw await failureOf(started, "download")
  const { ticket, files } = (await started.json()) as { ticket: string; files: SharedFile[] }

  await mkdir(options.dir, { recursive: true })
  const taken = new Set<string>()
  const downloaded: DownloadedFile[] = []
  for (const file of files) {
    const keyResponse = await post(`/files/${encodeURIComponent(file.id)}/download`, { ticket })
    if (!keyResponse.ok) throw await failureOf(keyResponse, `download ${file.name}`)
    const { url } = (await keyResponse.json()) as { url: string }
    const target = await localPathFor(options.dir, file, taken)
    const partial = `${target}.valet-partial`
    const progress = output.progress(file.name, file.size)
    const response = await send(url, { method: "GET", timeoutMs: TRANSFER_TIMEOUT_MS }, `download ${file.name}`)
    if (!response.ok || !response.body) {
      throw new CliError(
        `Storage refused the download of ${file.name} (HTTP ${response.status})`,
        EXIT.unavailable,
        "storage_error",
      )
    }
    const counted = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>)
    counted.on("data", (chunk: Buffer) => progress.add(chunk.length))
    try {
      await pipeline(counted, createWriteStream(partial))
      const written = (await stat(partial)).size
      if (written !== file.size) {
        throw new CliError(
          `${file.name}: got ${written} bytes, expected ${file.size}`,
          EXIT.unavailable,
          "storage_error",
        )
      }
      await rename(partial, target)
    } catch (error) {
      await rm(partial, { force: true })
      if (error instanceof CliError) throw error
      throw new CliError(`${file.name}: the download broke off (${String(error)})`, EXIT.unavailable, "network_error")
    }
    progress.event(`saved ${target}`)
    progress.done()
    downloaded.push({ ...file, path: target })
  }
  return downloaded
}
