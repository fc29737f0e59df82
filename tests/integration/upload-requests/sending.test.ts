import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { objectPathOf, STORED } from "@/tests/support/storage-profile"
import {
  setUpUploadRequestsWorld,
  PROFILE,
  MIB,
  database,
  owner,
  routes,
  type Grant,
  tokenOf,
  createRequest,
  outsider,
  grant,
  complete,
  put,
} from "@/tests/support/upload-requests/world"

/**
 * An outsider sends files through a write-only link: verified like any upload, matching types,
 * exactly maxFiles under concurrency, keys that can only put their own object, each link to its
 * own uploads, and parts for a big file.
 */
setUpUploadRequestsWorld()

describe(`upload requests on ${PROFILE} storage: sending files`, () => {
  it("lets an outsider send a file into the owner's space, verified like any upload, with the link stored only as a hash", async () => {
    const created = await createRequest({ message: "Thanks!", maxFiles: 5 })
    expect(created).toMatchObject({ state: "open", url: expect.stringMatching(/\/r\/[A-Za-z0-9_-]{43}$/) })
    const rows = await query<Record<string, unknown>>(database.url, `SELECT * FROM "UploadRequest" WHERE id = $1`, [
      created.id,
    ])
    expect(JSON.stringify(rows)).not.toContain(tokenOf(created))

    const data = new Uint8Array(randomBytes(1500))
    const response = await grant(tokenOf(created), { name: "slides.pdf", size: data.length, type: "application/pdf" })
    expect(response.status).toBe(201)
    const { upload } = (await response.json()) as { upload: Grant }
    // Keys live under the owner's prefix, minted by the server.
    expect(new URL(upload.url).pathname).toBe(objectPathOf(`u/${owner.id}/${upload.id}`))
    expect(await put(upload.url, data, upload.headers)).toBe(STORED)
    const completed = await complete(tokenOf(created), upload.id)
    expect(completed.status).toBe(201)
    expect(await completed.json()).toEqual({ file: { name: "slides.pdf", size: 1500, type: "application/pdf" } })

    const detail = await routes.detail(
      apiRequest("GET", `/api/upload-requests/${created.id}`, { headers: await browserHeaders(owner.id) }),
      { params: Promise.resolve({ id: created.id }) },
    )
    const body = await detail.json()
    expect(body.request).toMatchObject({ filesReceived: 1, bytesReceived: 1500 })
    expect(body.files.map((file: { name: string }) => file.name)).toEqual(["slides.pdf"])
    const audit = await query<{ action: string; via: string; actorId: string | null }>(
      database.url,
      `SELECT action, via, "actorId" FROM "AuditEvent" WHERE "uploadId" = $1 ORDER BY "createdAt"`,
      [upload.id],
    )
    expect(audit).toEqual([
      { action: "upload.put", via: "upload-request", actorId: null },
      { action: "upload.complete", via: "upload-request", actorId: null },
    ])
  })

  it("accepts a matching type family", async () => {
    const created = await createRequest({ allowedTypes: ["image/*", "application/pdf"] })
    expect((await grant(tokenOf(created), { name: "a.png", size: 10, type: "image/png" })).status).toBe(201)
    expect((await grant(tokenOf(created), { name: "a.pdf", size: 10, type: "application/pdf" })).status).toBe(201)
  })

  it("takes exactly maxFiles of many concurrent grants", async () => {
    const created = await createRequest({ maxFiles: 3 })
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        grant(tokenOf(created), { name: `f${index}.txt`, size: 10, type: "text/plain" }),
      ),
    )
    const statuses = responses.map((response) => response.status).sort()
    expect(statuses.filter((status) => status === 201)).toHaveLength(3)
    expect(statuses.filter((status) => status === 409)).toHaveLength(7)
  })

  it("gives the sender keys that can only put its own object: no read, no other key", async () => {
    const created = await createRequest({})
    const data = new Uint8Array(randomBytes(300))
    const { upload } = (await (
      await grant(tokenOf(created), { name: "x.bin", size: data.length, type: "application/octet-stream" })
    ).json()) as { upload: Grant }
    expect(await put(upload.url, data, upload.headers)).toBe(STORED)
    // The PUT key used to read, or aimed at another of the owner's objects: storage refuses.
    expect(await put(upload.url, data, {}, "GET")).toBe(403)
    const elsewhere = upload.url.replace(upload.id, "00000000-0000-4000-8000-000000000000")
    expect(await put(elsewhere, data, upload.headers)).toBe(403)
  })

  it("keeps each link to its own uploads: another link's upload, or the owner's own, is a 404", async () => {
    const first = await createRequest({})
    const second = await createRequest({})
    const { upload } = (await (await grant(tokenOf(first), { name: "x.txt", size: 5, type: "text/plain" })).json()) as {
      upload: Grant
    }
    expect((await complete(tokenOf(second), upload.id)).status).toBe(404)
    const uploads = await import("@/app/api/uploads/route")
    const own = await (
      await uploads.POST(
        apiRequest("POST", "/api/uploads", {
          body: { name: "mine.txt", size: 5, type: "text/plain" },
          headers: await browserHeaders(owner.id),
        }),
      )
    ).json()
    expect((await complete(tokenOf(first), own.upload.id)).status).toBe(404)
  })

  it("signs parts for a big file sent through a link", async () => {
    const created = await createRequest({ maxTotalSize: 20 * MIB })
    const { upload } = (await (
      await grant(tokenOf(created), { name: "big.bin", size: 5 * MIB + 1, type: "application/octet-stream" })
    ).json()) as { upload: Grant }
    expect(upload.multipart).toBe(true)
    const signed = await routes.signParts(
      outsider(tokenOf(created), `/uploads/${upload.id}/parts`, { partNumbers: [1, 2] }),
      {
        params: Promise.resolve({ token: tokenOf(created), id: upload.id }),
      },
    )
    expect(signed.status).toBe(200)
    expect((await signed.json()).parts).toHaveLength(2)
  })
})
