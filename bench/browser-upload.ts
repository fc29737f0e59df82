/**
 * Section 2 of `npm run bench`: does a real browser get storage's speed? Chromium (Playwright's
 * library API) uploads 1 GiB through the Uppy dashboard on /files — multipart, the dashboard's
 * own part size and parallelism — and Node then uploads the same file the same way (grant, part
 * URLs, PUTs to storage, complete) with no browser in between. The ratio of the two is what the
 * browser path costs.
 */
import { mkdir, open, rename, stat } from "node:fs/promises"
import { availableParallelism } from "node:os"
import path from "node:path"
import { chromium, type Page, type Request } from "@playwright/test"
import { IdleRate } from "@/bench/data-path"
import { childPids, cpuSecondsOfProcessesMentioning, ownCpuSeconds, sampleProcessTree } from "@/bench/process-tree"
import type { BenchScenario, BenchTarget, Figure } from "@/bench/types"
import { ensureRandomFile, expectStatus, GIB, MIB, randomClientIp, send, ValetClient } from "@/bench/transfer-client"
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "@/scripts/services/chromium"

/** Uppy's `limit` in components/file-uploader.tsx (PARALLEL_REQUESTS): parts in flight at once. */
const DASHBOARD_PARALLEL_PARTS = 6
const TARGET_RATIO = 0.8
const UPLOAD_TIMEOUT_MS = 15 * 60_000
const SMALL_FILE_COUNT = 100
const SMALL_FILE_SIZE = 10 * MIB

/** CPU seconds so far of each side of a transfer. */
type Sides = { chromium: number; app: number; harness: number; storage: number }

async function sampleSides(target: BenchTarget, chromiumPid?: number): Promise<Sides> {
  return {
    chromium: chromiumPid ? ((await sampleProcessTree(chromiumPid).catch(() => undefined))?.cpuSeconds ?? NaN) : NaN,
    app: (await sampleProcessTree(target.appPid)).cpuSeconds,
    // The Node clients, Playwright's side of the browser and, on embedded storage, the S3 server.
    harness: ownCpuSeconds(),
    storage: target.storageRoot ? await cpuSecondsOfProcessesMentioning(target.storageRoot) : NaN,
  }
}

type Timed = { seconds: number; cpu: Sides }

async function timed(
  target: BenchTarget,
  chromiumPid: number | undefined,
  work: () => Promise<unknown>,
): Promise<Timed> {
  const before = await sampleSides(target, chromiumPid)
  const started = performance.now()
  await work()
  const seconds = (performance.now() - started) / 1000
  const after = await sampleSides(target, chromiumPid)
  return {
    seconds,
    cpu: {
      chromium: after.chromium - before.chromium,
      app: after.app - before.app,
      harness: after.harness - before.harness,
      storage: after.storage - before.storage,
    },
  }
}

/** 100 files of 10 MiB, slices of the random GiB, for the dashboard's file input. */
async function smallFiles(dir: string, source: string): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const files: string[] = []
  const handle = await open(source, "r")
  try {
    const buffer = Buffer.alloc(SMALL_FILE_SIZE)
    for (let index = 0; index < SMALL_FILE_COUNT; index++) {
      const file = path.join(dir, `browser-${String(index).padStart(3, "0")}.bin`)
      files.push(file)
      if ((await stat(file).catch(() => null))?.size === SMALL_FILE_SIZE) continue
      await handle.read(buffer, 0, SMALL_FILE_SIZE, index * SMALL_FILE_SIZE)
      const out = await open(`${file}.tmp`, "w")
      await out.write(buffer)
      await out.close()
      await rename(`${file}.tmp`, file)
    }
  } finally {
    await handle.close()
  }
  return files
}

/** Puts `files` into the dashboard on /files and uploads them; resolves once it says Complete. */
async function uploadThroughDashboard(page: Page, files: string[]) {
  await page.goto("/files")
  await page.locator("input.uppy-Dashboard-input").first().setInputFiles(files)
  const uploadButton = page.getByRole("button", { name: `Upload ${files.length} file${files.length > 1 ? "s" : ""}` })
  // A hundred files take the dashboard a while to list on a loaded machine.
  await uploadButton.waitFor({ timeout: 5 * 60_000 })
  return async () => {
    await uploadButton.click()
    // "Complete" shows once the server has completed every upload and recorded the files.
    await page.locator(".uppy-StatusBar").filter({ hasText: "Complete" }).waitFor({ timeout: UPLOAD_TIMEOUT_MS })
  }
}

export const runBrowserUpload: BenchScenario = async (target) => {
  const source = await ensureRandomFile(target.workDir, GIB)
  const sourceName = path.basename(source)
  const small = await smallFiles(path.join(target.workDir, "browser-small"), source)
  const appOrigin = new URL(target.appUrl).origin
  const id = Math.random().toString(16).slice(2, 12)
  const credentials = {
    email: `bench-browser-${id}@example.test`,
    password: `Correct-horse-${id}`,
    name: `bench browser ${id}`,
  }
  const idle = new IdleRate(target.appPid)
  await idle.sample()

  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  let browserUp: Timed
  let browserDown: Timed
  let browserSmallUp: Timed
  let maxParallelPuts = 0
  let storagePuts = 0
  let bigPuts = 0
  let bigMaxParallel = 0
  let bearerToken: string
  try {
    const context = await browser.newContext({ baseURL: target.appUrl, acceptDownloads: true })
    const page = await context.newPage()
    page.setDefaultTimeout(60_000)
    // Sign-up and sign-in the way the e2e fixtures do: next-auth's credentials flow with its CSRF
    // token; the session cookie lands in the context the page uses. A client address of its own
    // keeps per-IP sign-up limits from colliding with other runs.
    const ip = { "x-forwarded-for": randomClientIp() }
    const registered = await page.request.post("/api/register", { data: credentials, headers: ip })
    if (registered.status() !== 201) throw new Error(`register: HTTP ${registered.status()} ${await registered.text()}`)
    const { csrfToken } = (await (await page.request.get("/api/auth/csrf", { headers: ip })).json()) as {
      csrfToken: string
    }
    const signedIn = await page.request.post("/api/auth/callback/credentials", {
      form: { csrfToken, email: credentials.email, password: credentials.password, json: "true", callbackUrl: "/" },
      headers: ip,
      maxRedirects: 0,
    })
    if (signedIn.status() !== 200) throw new Error(`sign-in: HTTP ${signedIn.status()}`)
    const token = await page.request.post("/api/tokens", {
      data: { name: "bench raw upload" },
      headers: { origin: appOrigin },
    })
    if (token.status() !== 201) throw new Error(`create token: HTTP ${token.status()} ${await token.text()}`)
    bearerToken = ((await token.json()) as { token: { secret: string } }).token.secret

    // How many PUTs to storage the browser really keeps in flight.
    let inFlight = 0
    const isStoragePut = (request: Request) => request.method() === "PUT" && !request.url().startsWith(appOrigin)
    page.on("request", (request) => {
      if (!isStoragePut(request)) return
      storagePuts++
      maxParallelPuts = Math.max(maxParallelPuts, ++inFlight)
    })
    const settle = (request: Request) => {
      if (isStoragePut(request)) inFlight--
    }
    page.on("requestfinished", settle)
    page.on("requestfailed", settle)

    const startBig = await uploadThroughDashboard(page, [source])
    // Chromium is a child of this process; its CPU and the app's show which side is the limit.
    const [chromiumPid] = await childPids(process.pid, "chrom")
    browserUp = await timed(target, chromiumPid, startBig)
    const files = page.getByRole("table", { name: "Your files, newest first" })
    await files.getByRole("cell", { name: sourceName, exact: true }).waitFor()
    bigPuts = storagePuts
    bigMaxParallel = maxParallelPuts

    // The dashboard's download link: 302 from the app, then the bytes from storage to disk.
    browserDown = await timed(target, chromiumPid, async () => {
      const [download] = await Promise.all([
        page.waitForEvent("download", { timeout: UPLOAD_TIMEOUT_MS }),
        files
          .getByRole("link", { name: `Download ${sourceName}` })
          .first()
          .click(),
      ])
      const saved = await download.path()
      const size = (await stat(saved)).size
      await download.delete()
      if (size !== GIB) throw new Error(`browser download: ${size} bytes on disk, expected ${GIB}`)
    })

    const startSmall = await uploadThroughDashboard(page, small)
    browserSmallUp = await timed(target, chromiumPid, startSmall)
    await context.close()
  } finally {
    await browser.close()
  }

  // The same file from Node: grant, part URLs, PUTs straight to storage, complete.
  const client = new ValetClient(target.appUrl, bearerToken)
  const rawUpload = () =>
    timed(target, undefined, () =>
      client.upload({
        name: "raw-put.bin",
        type: "application/octet-stream",
        file: { path: source, offset: 0, size: GIB },
        parallelParts: DASHBOARD_PARALLEL_PARTS,
      }),
    )
  const rawNotes: string[] = []
  // Once on a loaded machine the embedded server refused to assemble the raw upload's parts (409
  // upload_incomplete); a failed baseline is tried once more, from a fresh grant, and said so.
  const raw = await rawUpload().catch(async (error: unknown) => {
    rawNotes.push(
      `The raw upload failed once (${error instanceof Error ? error.message : String(error)}) and was repeated.`,
    )
    return rawUpload()
  })
  await idle.sample()

  // Every file out of the way (the bench bucket is throwaway, but quota is per account).
  for (;;) {
    const listed = expectStatus(
      "list files",
      await send(`${target.appUrl}/api/files?limit=100`, {
        method: "GET",
        headers: { authorization: `Bearer ${bearerToken}` },
      }),
      200,
    )
    const { files } = JSON.parse(listed.body.toString("utf8")) as { files: { id: string }[] }
    if (files.length === 0) break
    for (const file of files) await client.deleteFile(file.id)
  }

  const round = (value: number, digits = 3) => Number(value.toPrecision(digits))
  const appNet = (run: Timed) => run.cpu.app - idle.rate("valet") * run.seconds
  const browserRate = GIB / MIB / browserUp.seconds
  const rawRate = GIB / MIB / raw.seconds
  const ratio = browserRate / rawRate
  const proxy = (key: string) => target.carry[key] ?? Number.NaN
  const bigRatio = (appNet(browserUp) + appNet(browserDown)) / (proxy("proxy.big.up") + proxy("proxy.big.down"))
  const smallRatio = appNet(browserSmallUp) / proxy("proxy.small.up")
  /** The CPU each side used; `key` (e.g. "browser.up") names the figures for the README's table. */
  const sides = (label: string, run: Timed, chromium: boolean, key?: string): Figure[] => [
    ...(chromium
      ? [
          {
            name: `${label}: Chromium CPU (all its processes)`,
            key: key && `${key}.chromium`,
            value: round(run.cpu.chromium),
            unit: "s",
          },
        ]
      : []),
    { name: `${label}: app CPU`, key: key && `${key}.app`, value: round(run.cpu.app), unit: "s" },
    {
      name: `${label}: harness process CPU (${chromium ? "Playwright" : "the Node client"}${target.storageRoot ? "" : " + the embedded S3 server"})`,
      key: key && `${key}.harness`,
      value: round(run.cpu.harness),
      unit: "s",
    },
    ...(target.storageRoot
      ? [
          {
            name: `${label}: storage server CPU (RGW, OSD, mon)`,
            key: key && `${key}.storage`,
            value: round(run.cpu.storage),
            unit: "s",
          },
        ]
      : []),
  ]
  const figures: Figure[] = [
    { name: "Chromium + Uppy dashboard, 1 GiB upload", key: "browser.rate", value: round(browserRate), unit: "MiB/s" },
    { name: "Node, raw presigned multipart PUT, 1 GiB", key: "browser.rawRate", value: round(rawRate), unit: "MiB/s" },
    {
      name: "browser ÷ raw throughput",
      key: "browser.ratio",
      value: round(ratio, 2),
      unit: "×",
      target: `≥ ${TARGET_RATIO}`,
      met: ratio >= TARGET_RATIO,
    },
    { name: "browser 1 GiB upload: storage PUTs in flight at most", value: bigMaxParallel, unit: "requests" },
    ...sides("browser 1 GiB upload", browserUp, true, "browser.up"),
    ...sides("raw 1 GiB upload", raw, false, "raw.up"),
    {
      name: "Chromium + dashboard, 1 GiB download (link → 302 → storage → disk)",
      value: round(GIB / MIB / browserDown.seconds),
      unit: "MiB/s",
    },
    ...sides("browser 1 GiB download", browserDown, true),
    {
      name: "Chromium + dashboard, 100 × 10 MiB upload",
      value: round((SMALL_FILE_COUNT * SMALL_FILE_SIZE) / MIB / browserSmallUp.seconds),
      unit: "MiB/s",
    },
    ...sides("browser 100 × 10 MiB upload", browserSmallUp, true),
    {
      name: "browser dashboard: app CPU per GiB, valet ÷ proxy (1 GiB file, up + down, idle subtracted)",
      key: "browser.data.big.ratio",
      value: round(bigRatio, 2),
      unit: "×",
      target: "≤ 0.01",
      met: Number.isFinite(bigRatio) ? bigRatio <= 0.01 : undefined,
    },
    {
      name: "browser dashboard: app CPU per GiB, valet ÷ proxy (100 × 10 MiB, up, idle subtracted)",
      key: "browser.data.small.ratio",
      value: round(smallRatio, 2),
      unit: "×",
      target: "≤ 0.1",
      met: Number.isFinite(smallRatio) ? smallRatio <= 0.1 : undefined,
    },
    { name: "app idle CPU (subtracted in the ratios)", value: round(idle.rate("valet") * 1000), unit: "ms/s" },
  ]
  const notes = [
    ...rawNotes,
    `Browser: from the click on "Upload 1 file" until the dashboard says Complete (the server has completed the upload and recorded the file); ${bigPuts} PUTs to storage, part URLs signed 32 ahead per call and cached until shortly before they expire (components/upload-part-signer.ts). Download: the file list's link, timed from the click until Chromium has the whole file on disk.`,
    `Raw: Node streams the same file from disk through the same grant API, the same part size, ${DASHBOARD_PARALLEL_PARTS} parts at once (Uppy's limit), part URLs signed 100 per call; timed from grant to completion.`,
    "Valet ÷ proxy for the browser: the app's CPU during the dashboard's transfers, minus its idle rate over their wall time, divided by the proxy's CPU per GiB for the same workload from section 1 (the proxy would carry the browser's bytes the same way as the Node client's). The 100 small files are uploaded only: the browser downloads one file per link, as the Node client does.",
  ]
  if (!Number.isFinite(bigRatio)) notes.push("The valet ÷ proxy ratios need section 1 (data-path) in the same run.")
  if (ratio < TARGET_RATIO) {
    notes.push(
      `The browser reached ${round(ratio, 2)} of the raw rate, below the ${TARGET_RATIO} target. During its ${round(browserUp.seconds)} s Chromium used ${round(browserUp.cpu.chromium / browserUp.seconds, 2)} cores and the app ${round(browserUp.cpu.app / browserUp.seconds, 2)}, against ${round(raw.cpu.app / raw.seconds, 2)} for the app during the raw upload; this machine has ${availableParallelism()} cores, shared with storage${target.storageRoot ? "" : " (the embedded S3 server runs in the harness process)"}.`,
    )
  }
  return { title: "2. Browser upload throughput", figures, notes }
}
