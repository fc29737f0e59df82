/**
 * GET /metrics on the built app (`next start`): Next.js bundles every route on its own, so only a
 * real build shows that the routes that count (uploads, shares, the wrapper) and the route that
 * reports share one registry. Scrape, mint keys and download through the real API, scrape again.
 */
import { randomBytes, randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { applyMigrations } from "@/scripts/migrate"
import { sessionCookie } from "@/tests/support/app"
import { startAppInstance, type AppInstance } from "@/tests/support/app-instance"
import { createFreshDatabase } from "@/tests/support/database"
import { looksLikeUserData, parsePrometheus, sumOf, type Sample } from "@/tests/support/prometheus"

const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const METRICS_TOKEN = randomBytes(24).toString("hex")
const MIB = 1024 * 1024

let database: Awaited<ReturnType<typeof createFreshDatabase>>
let app: AppInstance
let dark: AppInstance

async function scrape(instance = app, token = METRICS_TOKEN): Promise<Sample[]> {
  const response = await fetch(`${instance.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  const text = await response.text()
  expect(response.status, text.slice(0, 300)).toBe(200)
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/)
  return parsePrometheus(text)
}

async function call(path: string, init: RequestInit & { json?: unknown } = {}, instance = app) {
  const { json, ...rest } = init
  return fetch(`${instance.url}${path}`, {
    redirect: "manual",
    ...rest,
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    headers: { "content-type": "application/json", origin: instance.url, ...rest.headers },
  })
}

beforeAll(async () => {
  database = await createFreshDatabase("metrics")
  await applyMigrations(database.url)
  const env = {
    DATABASE_URL: database.url,
    REAPER_INTERVAL_SECONDS: "3600",
    // Small enough that a 6 MiB grant is multipart, so part keys can be minted without big bodies.
    MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
    MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
  }
  ;[app, dark] = await Promise.all([
    startAppInstance({ env: { ...env, METRICS_TOKEN } }),
    startAppInstance({ env: { ...env, METRICS_TOKEN: "" } }),
  ])
})

afterAll(async () => {
  await Promise.all([app?.stop(), dark?.stop()])
  await database?.drop()
})

describe(`GET /metrics on the built app (${PROFILE} storage)`, () => {
  it("is off (404) without METRICS_TOKEN, and answers 401 to a missing or wrong token", async () => {
    const off = await fetch(`${dark.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(off.status).toBe(404)
    expect(await off.json()).toMatchObject({ error: { code: "not_found" } })

    for (const authorization of [undefined, "Bearer wrong", `Bearer ${METRICS_TOKEN}x`, `Basic ${METRICS_TOKEN}`]) {
      const refused = await fetch(`${app.url}/metrics`, { headers: authorization ? { authorization } : {} })
      expect(refused.status, String(authorization)).toBe(401)
      expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/)
      expect(await refused.json()).toMatchObject({ error: { code: "unauthorized" } })
    }
  })

  it("moves when keys are minted, uploads complete, links download and requests fail", async () => {
    const before = await scrape()
    expect(sumOf(before, "valet_dependency_up", { dependency: "database" })).toBe(1)
    expect(sumOf(before, "valet_dependency_up", { dependency: "storage" })).toBe(1)

    const registered = await call("/api/register", {
      method: "POST",
      json: { email: `metrics-${randomUUID()}@example.com`, password: "a long metrics password" },
    })
    expect(registered.status).toBe(201)
    const { user } = (await registered.json()) as { user: { id: string } }
    const headers = { cookie: await sessionCookie(user.id) }

    // A single PUT grant, uploaded and completed (one put key, one verified completion).
    const data = randomBytes(64)
    const granted = await call("/api/uploads", {
      method: "POST",
      headers,
      json: { name: "metrics.png", size: data.length, type: "image/png" },
    })
    expect(granted.status).toBe(201)
    const { upload } = (await granted.json()) as {
      upload: { id: string; url: string; headers: Record<string, string> }
    }
    expect((await fetch(upload.url, { method: "PUT", body: data, headers: upload.headers })).status).toBe(200)
    const completed = await call(`/api/uploads/${upload.id}/complete`, { method: "POST", headers })
    expect(completed.status).toBe(201)
    const { file } = (await completed.json()) as { file: { id: string } }

    // A completion of a grant nothing was uploaded for is rejected, with its code as the reason.
    const empty = await call("/api/uploads", {
      method: "POST",
      headers,
      json: { name: "never.bin", size: 10, type: "application/octet-stream" },
    })
    const { upload: emptyUpload } = (await empty.json()) as { upload: { id: string } }
    expect((await call(`/api/uploads/${emptyUpload.id}/complete`, { method: "POST", headers })).status).toBe(409)

    // A multipart grant and two part keys.
    const multipart = await call("/api/uploads", {
      method: "POST",
      headers,
      json: { name: "big.bin", size: 6 * MIB, type: "application/octet-stream" },
    })
    expect(multipart.status).toBe(201)
    const { upload: big } = (await multipart.json()) as { upload: { id: string; partCount: number } }
    expect(big.partCount).toBe(2)
    const parts = await call(`/api/uploads/${big.id}/parts`, { method: "POST", headers, json: { partNumbers: [1, 2] } })
    expect(parts.status).toBe(200)

    // An API token's grants: the second one takes the one-statement path (the token's owner is
    // known to this process), which signs before its statement decides. Once the token is revoked
    // that statement refuses, and the key it signed must not count: two put keys, not three.
    const created = await call("/api/tokens", { method: "POST", headers, json: { name: "metrics" } })
    expect(created.status).toBe(201)
    const { token: apiToken } = (await created.json()) as { token: { id: string; secret: string } }
    const bearer = { authorization: `Bearer ${apiToken.secret}` }
    const tokenGrant = { name: "token.txt", size: 1, type: "text/plain" }
    for (let attempt = 0; attempt < 2; attempt++)
      expect((await call("/api/uploads", { method: "POST", headers: bearer, json: tokenGrant })).status).toBe(201)
    expect((await call(`/api/tokens/${apiToken.id}`, { method: "DELETE", headers })).status).toBe(204)
    expect((await call("/api/uploads", { method: "POST", headers: bearer, json: tokenGrant })).status).toBe(401)

    // A link: downloaded once (a get key), previewed once, then refused once it is used up.
    const shared = await call(`/api/files/${file.id}/shares`, { method: "POST", headers, json: { maxDownloads: 1 } })
    expect(shared.status).toBe(201)
    const token = new URL(((await shared.json()) as { share: { url: string } }).share.url).pathname.split("/")[2]
    expect((await call(`/s/${token}/files/${file.id}/preview`)).status).toBe(302)
    expect((await call(`/s/${token}/files/${file.id}/download`)).status).toBe(302)
    const refused = await call(`/s/${token}/files/${file.id}/download`)
    expect(refused.status).toBe(410)
    expect((await call(`/s/${token}/download`)).status).toBe(410)
    // An unknown file in a live link would be a 404; an unknown route segment value never becomes a label.
    expect((await call(`/api/files/${randomUUID()}`, { headers })).status).toBe(404)

    const after = await scrape()
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sumOf(after, name, labels) - sumOf(before, name, labels)
    expect(moved("valet_keys_minted_total", { kind: "put" })).toBe(4)
    expect(moved("valet_keys_minted_total", { kind: "part" })).toBe(2)
    expect(moved("valet_keys_minted_total", { kind: "get" })).toBe(1)
    expect(moved("valet_keys_minted_total", { kind: "preview" })).toBe(1)
    expect(moved("valet_upload_completions_total", { outcome: "verified" })).toBe(1)
    expect(moved("valet_upload_completions_total", { outcome: "rejected", reason: "upload_incomplete" })).toBe(1)
    expect(moved("valet_share_downloads_total", { kind: "file" })).toBe(1)
    expect(moved("valet_share_downloads_refused_total", { reason: "share_used_up" })).toBe(2)
    expect(
      moved("valet_http_errors_total", { route: "/s/[token]/files/[fileId]/download", method: "GET", status: "410" }),
    ).toBe(1)
    expect(moved("valet_http_errors_total", { route: "/api/files/[id]", method: "GET", status: "404" })).toBe(1)
    expect(
      moved("valet_http_request_duration_seconds_count", { route: "/api/uploads/[id]/complete", method: "POST" }),
    ).toBe(2)
    expect(moved("valet_http_request_duration_seconds_count", { route: "/api/uploads", method: "POST" })).toBe(6)
    // Process metrics come along (one registry holds both).
    expect(sumOf(after, "process_cpu_seconds_total")).toBeGreaterThan(0)

    // No label anywhere holds an id, a token, an email or a query.
    const labelValues = after.flatMap((sample) => Object.values(sample.labels))
    expect(labelValues.filter(looksLikeUserData)).toEqual([])
    const routes = new Set(after.flatMap((sample) => (sample.labels.route ? [sample.labels.route] : [])))
    for (const route of routes) expect(route).toMatch(/^\/[A-Za-z0-9\-/[\].]*$/)
    expect([...routes].join(" ")).not.toContain(token ?? "<none>")
    expect([...routes].join(" ")).not.toContain(file.id)
  })
})
