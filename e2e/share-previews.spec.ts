import { execFileSync } from "node:child_process"
import { createHash, randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { deflateSync } from "node:zlib"
import type { APIRequestContext } from "@playwright/test"
import { expect, registerAccount, signInWithApi, test } from "./support/fixtures"
import { recordLinkToken } from "./support/secrets"

/**
 * Issue 16 in Chromium: one link for a PNG, an MP4 and a text file; a fresh browser sees their
 * previews (the image decoded, the video seekable), downloads one file, then "Download all" of a
 * link holding more than 300 MiB, streamed through the page's service worker; every zip entry
 * hashes equal to its original. The page's JS heap and the zip's throughput are reported.
 */

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")
const MIB = 1024 * 1024

/** A valid RGB PNG of the given size, made here (signature, IHDR, IDAT, IEND). */
function makePng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc32 = (data: Buffer) => {
    let c = 0xffffffff
    for (const byte of data) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, "ascii"), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8)
  const rows = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([(x * 4) & 255, (y * 4) & 255, 160], y * (width * 3 + 1) + 1 + x * 3)
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ])
}

/** A 6-second VP9 MP4 made by Debian's ffmpeg from its built-in test pattern (nothing downloaded). */
function makeMp4(dir: string): Buffer {
  const file = path.join(dir, "clip.mp4")
  execFileSync("ffmpeg", [
    "-loglevel",
    "error",
    "-f",
    "lavfi",
    "-i",
    "testsrc=duration=6:size=160x120:rate=10",
    "-c:v",
    "libvpx-vp9",
    "-b:v",
    "200k",
    "-movflags",
    "+faststart",
    "-y",
    file,
  ])
  return readFileSync(file)
}

type Upload = { id: string; name: string; sha: string; size: number }

/** Uploads through the API's own valet-key flow; big files in parts, made and hashed part by part. */
async function upload(
  request: APIRequestContext,
  origin: string,
  name: string,
  type: string,
  source: Buffer | number,
): Promise<Upload> {
  const size = typeof source === "number" ? source : source.length
  const granted = await request.post("/api/uploads", { data: { name, size, type }, headers: { origin } })
  expect(granted.status(), await granted.text()).toBe(201)
  const { upload: grant } = await granted.json()
  const hash = createHash("sha256")
  if (!grant.multipart) {
    const data = typeof source === "number" ? randomBytes(source) : source
    hash.update(data)
    expect((await request.put(grant.url, { data, headers: grant.headers })).status()).toBe(200)
    const completed = await request.post(`/api/uploads/${grant.id}/complete`, { data: {}, headers: { origin } })
    expect(completed.status()).toBe(201)
    return { id: (await completed.json()).file.id, name, sha: hash.digest("hex"), size }
  }
  const parts: { partNumber: number; etag: string }[] = []
  for (let partNumber = 1; partNumber <= grant.partCount; partNumber++) {
    const length = Math.min(grant.partSize, size - (partNumber - 1) * grant.partSize)
    const data = randomBytes(length)
    hash.update(data)
    const signed = await request.post(`/api/uploads/${grant.id}/parts`, {
      data: { partNumbers: [partNumber] },
      headers: { origin },
    })
    const {
      parts: [part],
    } = await signed.json()
    const put = await fetch(part.url, { method: "PUT", body: data })
    expect(put.status).toBe(200)
    parts.push({ partNumber, etag: put.headers.get("etag") ?? "" })
  }
  const completed = await request.post(`/api/uploads/${grant.id}/complete`, { data: { parts }, headers: { origin } })
  expect(completed.status(), await completed.text()).toBe(201)
  return { id: (await completed.json()).file.id, name, sha: hash.digest("hex"), size }
}

test("a link with a PNG, an MP4 and a text file: previews, one download, then Download all of 300+ MiB", async ({
  page,
  browser,
  baseURL,
  clientIp,
}) => {
  test.setTimeout(600_000)
  const origin = new URL(baseURL ?? "").origin
  const dir = mkdtempSync(path.join(tmpdir(), "valet-share-e2e-"))
  try {
    const { credentials } = await registerAccount(page.request)
    expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
    const png = await upload(page.request, origin, "pattern.png", "image/png", makePng(96, 64))
    const mp4 = await upload(page.request, origin, "clip.mp4", "video/mp4", makeMp4(dir))
    const text = await upload(
      page.request,
      origin,
      "notes.txt",
      "text/plain",
      Buffer.from("First line of the notes.\nSecond line.\n".repeat(60)),
    )

    // The owner ticks the three files in My files and shares them in one link.
    await page.goto("/files")
    for (const name of [png.name, mp4.name, text.name])
      await page.getByRole("checkbox", { name: `Select ${name}` }).check()
    await page.getByRole("button", { name: "Share in one link" }).click()
    const dialog = page.getByRole("dialog")
    await expect(dialog.getByRole("heading", { name: "Share 3 files in one link" })).toBeVisible()
    await dialog.getByLabel("Title").fill("Three things")
    await dialog.getByLabel("Message").fill("Have a look.")
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme })
      await page.screenshot({ path: `test-results/screenshots/share-dialog-1280-${colorScheme}.png` })
    }
    await dialog.getByRole("button", { name: "Create link" }).click()
    const link = await dialog.getByRole("textbox", { name: "Share link" }).inputValue()
    recordLinkToken(link)

    // A recipient in a fresh context, without a session.
    const recipient = await browser.newContext({
      extraHTTPHeaders: { "x-forwarded-for": clientIp },
      acceptDownloads: true,
    })
    const visitor = await recipient.newPage()
    // No File System Access API here (as in Firefox or Safari): the zip streams through the service worker.
    await visitor.addInitScript(() => {
      delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker
    })
    expect((await visitor.goto(link))?.status()).toBe(200)
    await expect(visitor.getByRole("heading", { name: "Three things" })).toBeVisible()
    await expect(visitor.getByText("Have a look.")).toBeVisible()

    const image = visitor.getByRole("img", { name: png.name })
    await expect
      .poll(() => image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth))
      .toBe(96)
    await expect(visitor.getByTestId("text-preview")).toContainText("First line of the notes.")

    const video = visitor.getByTestId("video-preview")
    await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.readyState)).toBeGreaterThanOrEqual(1)
    // The state right after asking for the seek (the player drops back while it fetches that range).
    const before = await video.evaluate(
      (element: HTMLVideoElement) =>
        new Promise<number>((resolve) => {
          element.addEventListener("seeked", () => resolve(state), { once: true })
          element.currentTime = 4
          const state = element.readyState
        }),
    )
    await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.readyState)).toBeGreaterThanOrEqual(2)
    expect(await video.evaluate((element: HTMLVideoElement) => element.currentTime)).toBeCloseTo(4, 0)
    console.log(
      `video readyState ${before} → ${await video.evaluate((element: HTMLVideoElement) => element.readyState)} after a seek to 4 s`,
    )

    // How the page looks: desktop and phone, light and dark (test-results/screenshots/).
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      for (const colorScheme of ["light", "dark"] as const) {
        await visitor.setViewportSize({ width, height })
        await visitor.emulateMedia({ colorScheme })
        await visitor.screenshot({
          path: `test-results/screenshots/share-page-${width}-${colorScheme}.png`,
          fullPage: true,
        })
      }
    }
    // No sideways scrolling on a phone.
    expect(await visitor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await visitor.setViewportSize({ width: 1280, height: 800 })

    // One file.
    const single = visitor.waitForEvent("download")
    await visitor.getByRole("button", { name: `Download ${text.name}` }).click()
    const saved = await single
    expect(saved.suggestedFilename()).toBe(text.name)
    expect(sha256(readFileSync(await saved.path()))).toBe(text.sha)

    // A second link of more than 300 MiB across files (the three above plus two big ones).
    const big = [
      await upload(page.request, origin, "../../escape attempt.bin", "application/octet-stream", 160 * MIB),
      await upload(page.request, origin, "big two.bin", "application/octet-stream", 150 * MIB),
    ]
    const all = [png, mp4, text, ...big]
    const created = await page.request.post("/api/shares", {
      data: { fileIds: all.map((file) => file.id), title: "Everything" },
      headers: { origin },
    })
    expect(created.status()).toBe(201)
    const bigLink = (await created.json()).share.url as string
    recordLinkToken(bigLink)
    const total = all.reduce((sum, file) => sum + file.size, 0)
    expect(total).toBeGreaterThan(300 * MIB)

    await visitor.goto(bigLink)
    const cdp = await recipient.newCDPSession(visitor)
    await cdp.send("Performance.enable")
    const heapNow = async () => {
      const { metrics } = await cdp.send("Performance.getMetrics")
      return metrics.find((metric) => metric.name === "JSHeapUsedSize")?.value ?? 0
    }
    let peakHeap = await heapNow()
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        peakHeap = Math.max(peakHeap, await heapNow().catch(() => 0))
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    })()
    const started = Date.now()
    const zipDownload = visitor.waitForEvent("download", { timeout: 120_000 })
    await visitor.getByRole("button", { name: /^Download all/ }).click()
    const zip = await zipDownload
    const zipPath = path.join(dir, "all.zip")
    await zip.saveAs(zipPath)
    const seconds = (Date.now() - started) / 1000
    sampling = false
    await sampler
    const zipSize = statSync(zipPath).size
    expect(zip.suggestedFilename()).toBe("Everything.zip")

    // The zip opens with a standard tool; every entry hashes equal to its original, under a safe name.
    const listing = execFileSync(
      "python3",
      [
        "-c",
        "import hashlib,json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))",
        zipPath,
      ],
      { maxBuffer: 1024 * 1024 },
    )
    const entries = JSON.parse(listing.toString()) as Record<string, string>
    expect(Object.keys(entries).sort()).toEqual([
      "_.._escape attempt.bin",
      "big two.bin",
      "clip.mp4",
      "notes.txt",
      "pattern.png",
    ])
    expect(entries["_.._escape attempt.bin"]).toBe(big[0]?.sha)
    expect(entries["big two.bin"]).toBe(big[1]?.sha)
    expect(entries["clip.mp4"]).toBe(mp4.sha)
    expect(entries["notes.txt"]).toBe(text.sha)
    expect(entries["pattern.png"]).toBe(png.sha)

    console.log(
      `download all: zip ${(zipSize / MIB).toFixed(1)} MiB in ${seconds.toFixed(1)} s = ${(zipSize / MIB / seconds).toFixed(1)} MiB/s; ` +
        `page JS heap peak ${(peakHeap / MIB).toFixed(1)} MiB (${((100 * peakHeap) / zipSize).toFixed(1)} % of the zip)`,
    )
    // Bounded memory: the page never holds the zip (a Blob path would be ~zip-sized).
    expect(peakHeap).toBeLessThan(zipSize / 4)
    await expect(visitor.getByText("Zip saved.")).toBeVisible()
    await recipient.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
