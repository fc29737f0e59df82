import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpShareLinksWorld,
  PROFILE,
  database,
  routes,
  shares,
  admin,
  owner,
  stranger,
  logged,
  issuedTokens,
  params,
  UA,
  uploadFile,
  createLinkOk,
  downloadFile,
  previewFile,
  startZip,
} from "@/tests/support/share-links/world"

/**
 * A link's access log: newest first, paged, with truncated addresses.
 */
setUpShareLinksWorld()

describe(`links with several files on ${PROFILE} storage: the access log`, () => {
  it("keeps an access log, newest first and paged, with truncated addresses", async () => {
    const png = await uploadFile("log.png", "image/png")
    const share = await createLinkOk({ fileIds: [png.id] })
    await shares.recordShareView({ token: share.token, ip: "192.0.2.77", userAgent: UA })
    await previewFile(share.token, png.id, { ip: "2001:db8:abcd:12::1" })
    await downloadFile(share.token, png.id, { ip: "::ffff:203.0.113.200" })
    await startZip(share.token, { ip: "198.51.100.250" })

    const detail = async (search = "", userId = owner.id) =>
      routes.detail(
        apiRequest("GET", `/api/shares/${share.id}${search}`, { headers: await browserHeaders(userId) }),
        params({ id: share.id }),
      )
    const body = await (await detail()).json()
    expect(body.share).toMatchObject({ id: share.id, files: [{ id: png.id }] })
    expect(body.events).toEqual([
      {
        id: expect.any(String),
        at: expect.any(String),
        kind: "download_all",
        fileId: null,
        ip: "198.51.100.0/24",
        userAgent: UA,
      },
      {
        id: expect.any(String),
        at: expect.any(String),
        kind: "download",
        fileId: png.id,
        ip: "203.0.113.0/24",
        userAgent: UA,
      },
      {
        id: expect.any(String),
        at: expect.any(String),
        kind: "preview",
        fileId: png.id,
        ip: "2001:db8:abcd::/48",
        userAgent: UA,
      },
      { id: expect.any(String), at: expect.any(String), kind: "view", fileId: null, ip: "192.0.2.0/24", userAgent: UA },
    ])
    const first = await (await detail("?limit=3")).json()
    expect(first.events).toHaveLength(3)
    const second = await (await detail(`?limit=3&cursor=${first.nextCursor}`)).json()
    expect(second.events.map((event: { kind: string }) => event.kind)).toEqual(["view"])
    expect(second.nextCursor).toBeNull()
    expect((await detail("", stranger.id)).status).toBe(404)
    // An admin manages the link but does not get it: only its owner can copy the URL again.
    expect((await (await detail("", admin.id)).json()).share.url).toBeNull()
    expect(body.share.url).toBe(share.url)
    const [row] = await query<{ tokenSealed: string }>(
      database.url,
      `SELECT "tokenSealed" FROM "Share" WHERE id = $1`,
      [share.id],
    )
    expect(row?.tokenSealed).not.toContain(share.token)
  })

  it("never logged a share token, presigned URL or signature", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    for (const token of issuedTokens) expect(text).not.toContain(token)
  })
})
