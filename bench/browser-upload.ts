/**
 * Section 2 of `npm run bench`: does a real browser get storage's speed? Chromium (Playwright's
 * library API) uploads 1 GiB through the Uppy dashboard on /files — multipart, the dashboard's
 * own part size and parallelism — and Node then uploads the same file the same way (grant, part
 * URLs, PUTs to storage, complete) with no browser in between. The ratio of the two is what the
 * browser path costs.
 */
import { availableParallelism } from "node:os"
import { chromium, type Request } from "@playwright/test"
import { childPids, sampleProcessTree, usageBetween } from "@/bench/process-tree"
import type { BenchScenario, Figure } from "@/bench/types"
import { ensureRandomFile, expectStatus, GIB, MIB, randomClientIp, send, ValetClient } from "@/bench/transfer-client"
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "@/scripts/services/chromium"

/** Uppy's `limit` in components/file-uploader.tsx (PARALLEL_REQUESTS): parts in flight at once. */
const DASHBOARD_PARALLEL_PARTS = 6
const TARGET_RATIO = 0.8
const UPLOAD_TIMEOUT_MS = 15 * 60_000

export const runBrowserUpload: BenchScenario = async (target) => {
  const source = await ensureRandomFile(target.workDir, GIB)
  const appOrigin = new URL(target.appUrl).origin
  const id = Math.random().toString(16).slice(2, 12)
  const credentials = {
    email: `bench-browser-${id}@example.test`,
    password: `Correct-horse-${id}`,
    name: `bench browser ${id}`,
  }

  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  let browserSeconds: number
  let maxParallelPuts = 0
  let storagePuts = 0
  let bearerToken: string
  let chromiumCpu = Number.NaN
  let appCpuDuringBrowser = Number.NaN
  try {
    const context = await browser.newContext({ baseURL: target.appUrl })
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

    await page.goto("/files")
    await page.locator("input.uppy-Dashboard-input").first().setInputFiles(source)
    const uploadButton = page.getByRole("button", { name: "Upload 1 file" })
    await uploadButton.waitFor()
    // Chromium is a child of this process; its CPU and the app's show which side is the limit.
    const [chromiumPid] = await childPids(process.pid, "chrom")
    const sampleBoth = () =>
      Promise.all([chromiumPid ? sampleProcessTree(chromiumPid) : undefined, sampleProcessTree(target.appPid)])
    const [chromiumBefore, appBefore] = await sampleBoth()
    const started = performance.now()
    await uploadButton.click()
    // "Complete" shows once the server has completed the multipart upload and recorded the file.
    await page.locator(".uppy-StatusBar").filter({ hasText: "Complete" }).waitFor({ timeout: UPLOAD_TIMEOUT_MS })
    browserSeconds = (performance.now() - started) / 1000
    const [chromiumAfter, appAfter] = await sampleBoth()
    chromiumCpu = chromiumBefore && chromiumAfter ? usageBetween(chromiumBefore, chromiumAfter).cpuSeconds : Number.NaN
    appCpuDuringBrowser = usageBetween(appBefore, appAfter).cpuSeconds
    await page
      .getByRole("table", { name: "Your files, newest first" })
      .getByRole("cell", { name: source.split("/").at(-1), exact: true })
      .waitFor()
    await context.close()
  } finally {
    await browser.close()
  }

  // The same file from Node: grant, part URLs, PUTs straight to storage, complete.
  const client = new ValetClient(target.appUrl, bearerToken)
  const appBeforeRaw = await sampleProcessTree(target.appPid)
  const started = performance.now()
  await client.upload({
    name: "raw-put.bin",
    type: "application/octet-stream",
    file: { path: source, offset: 0, size: GIB },
    parallelParts: DASHBOARD_PARALLEL_PARTS,
  })
  const rawSeconds = (performance.now() - started) / 1000
  const appCpuDuringRaw = usageBetween(appBeforeRaw, await sampleProcessTree(target.appPid)).cpuSeconds

  // Both files out of the way (the bench bucket is throwaway, but quota is per account).
  const listed = expectStatus(
    "list files",
    await send(`${target.appUrl}/api/files?limit=10`, {
      method: "GET",
      headers: { authorization: `Bearer ${bearerToken}` },
    }),
    200,
  )
  for (const file of (JSON.parse(listed.body.toString("utf8")) as { files: { id: string }[] }).files)
    await client.deleteFile(file.id)

  const browserRate = GIB / MIB / browserSeconds
  const rawRate = GIB / MIB / rawSeconds
  const ratio = browserRate / rawRate
  const round = (value: number, digits = 3) => Number(value.toPrecision(digits))
  const figures: Figure[] = [
    { name: "Chromium + Uppy dashboard, 1 GiB upload", value: round(browserRate), unit: "MiB/s" },
    { name: "Node, raw presigned multipart PUT, 1 GiB", value: round(rawRate), unit: "MiB/s" },
    {
      name: "browser ÷ raw throughput",
      value: round(ratio, 2),
      unit: "×",
      target: `≥ ${TARGET_RATIO}`,
      met: ratio >= TARGET_RATIO,
    },
    { name: "browser: storage PUTs in flight at most", value: maxParallelPuts, unit: "requests" },
    { name: "browser: Chromium CPU (all its processes) for the 1 GiB", value: round(chromiumCpu), unit: "s" },
    {
      name: "browser: app CPU for the 1 GiB (grant, parts signed 32 ahead per call, complete)",
      value: round(appCpuDuringBrowser),
      unit: "s",
    },
    {
      name: "raw: app CPU for the 1 GiB (grant, parts signed 100 per call, complete)",
      value: round(appCpuDuringRaw),
      unit: "s",
    },
  ]
  const notes = [
    `Browser: from the click on "Upload 1 file" until the dashboard says Complete (the server has completed the upload and recorded the file); ${storagePuts} PUTs to storage, part URLs signed 32 ahead per call and cached until shortly before they expire (components/upload-part-signer.ts).`,
    `Raw: Node streams the same file from disk through the same grant API, the same part size, ${DASHBOARD_PARALLEL_PARTS} parts at once (Uppy's limit), part URLs signed 100 per call; timed from grant to completion.`,
  ]
  if (ratio < TARGET_RATIO) {
    notes.push(
      `The browser reached ${round(ratio, 2)} of the raw rate, below the ${TARGET_RATIO} target. During its ${round(browserSeconds)} s Chromium used ${round(chromiumCpu / browserSeconds, 2)} cores and the app ${round(appCpuDuringBrowser / browserSeconds, 2)} (session-authenticated calls: grant, part batches, complete), against ${round(appCpuDuringRaw / rawSeconds, 2)} for the app during the raw upload; this machine has ${availableParallelism()} cores, shared with storage.`,
    )
  }
  return { title: "2. Browser upload throughput", figures, notes }
}
