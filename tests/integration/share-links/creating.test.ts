import { describe, expect, it } from "vitest"
import { apiRequest, APP_ORIGIN, browserHeaders } from "@/tests/support/app"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpShareLinksWorld,
  PROFILE,
  routes,
  shares,
  admin,
  owner,
  stranger,
  logged,
  issuedTokens,
  params,
  count,
  uploadFile,
  createLink,
  createLinkOk,
  recipientRequest,
  downloadFile,
  errorCode,
} from "@/tests/support/share-links/world"

/**
 * Creating and editing a link to several files: the files in order with title and message, 404
 * and nothing created for anyone else's file, edits by the owner or an admin.
 */
setUpShareLinksWorld()

describe(`links with several files on ${PROFILE} storage: creating and editing`, () => {
  it("creates one link for several files, in order, with title and message, listing each file", async () => {
    const a = await uploadFile("a.txt", "text/plain")
    const b = await uploadFile("b.png", "image/png")
    const share = await createLinkOk({
      fileIds: [b.id, a.id],
      title: "Holiday",
      message: "Line one\nline two",
      maxDownloads: 3,
      expiresIn: 3600,
    })
    expect(share).toMatchObject({
      title: "Holiday",
      maxDownloads: 3,
      downloads: 0,
      files: [
        { id: b.id, name: "b.png", size: 64, type: "image/png" },
        { id: a.id, name: "a.txt", size: 64, type: "text/plain" },
      ],
    })
    expect(share.url).toMatch(new RegExp(`^${APP_ORIGIN}/s/[A-Za-z0-9_-]{43}$`))
    expect(await shares.describeShare(share.token)).toMatchObject({
      state: "active",
      title: "Holiday",
      message: "Line one\nline two",
      totalSize: 128,
    })
    // The one-file route refuses a link with several files instead of picking one.
    const legacy = await routes.legacyDownload(
      recipientRequest("GET", `/s/${share.token}/download`),
      params({ token: share.token }),
    )
    expect(legacy.status).toBe(409)
    expect(await errorCode(legacy)).toBe("share_has_many_files")
  })

  it("answers 404 and creates nothing when any id is not the caller's file", async () => {
    const mine = await uploadFile("mine.bin", "application/octet-stream")
    const theirs = await uploadFile("theirs.bin", "application/octet-stream", undefined, stranger.id)
    const before = [await count("Share"), await count("ShareFile")]
    for (const fileIds of [[mine.id, theirs.id], [theirs.id], [mine.id, "cl000000000000000000000000"]]) {
      const response = await createLink({ fileIds })
      expect(response.status).toBe(404)
      expect(await errorCode(response)).toBe("not_found")
    }
    expect([await count("Share"), await count("ShareFile")]).toEqual(before)
    const tooMany = await createLink({ fileIds: Array.from({ length: 501 }, (_, index) => `f${index}`) })
    expect(tooMany.status).toBe(400)
  })

  it("edits a live link (owner or admin, 404 for anyone else), removing a password with null", async () => {
    const file = await uploadFile("edit.bin", "application/octet-stream")
    const share = await createLinkOk({ fileIds: [file.id], password: "first-secret" })
    const patch = async (body: unknown, userId = owner.id) =>
      routes.update(
        apiRequest("PATCH", `/api/shares/${share.id}`, { body, headers: await browserHeaders(userId) }),
        params({ id: share.id }),
      )

    expect((await downloadFile(share.token, file.id)).status).toBe(401)
    const edited = await patch({ title: "New title", message: "Hello", maxDownloads: 9, expiresIn: 7200 })
    expect(edited.status).toBe(200)
    expect((await edited.json()).share).toMatchObject({
      title: "New title",
      message: "Hello",
      maxDownloads: 9,
      hasPassword: true,
    })

    expect((await patch({ title: "Mine now" }, stranger.id)).status).toBe(404)
    expect((await patch({ message: "Checked by an admin" }, admin.id)).status).toBe(200)

    // Removing the password: the next request needs none.
    const removed = await patch({ password: null })
    expect((await removed.json()).share.hasPassword).toBe(false)
    expect((await downloadFile(share.token, file.id)).status).toBe(302)
    // A new password locks it again, and the old one does not open it.
    await patch({ password: "second-secret" })
    expect((await downloadFile(share.token, file.id, { body: { password: "first-secret" } })).status).toBe(401)
    expect((await downloadFile(share.token, file.id, { body: { password: "second-secret" } })).status).toBe(302)
    // Clearing title and the limit.
    const cleared = await (await patch({ title: null, maxDownloads: null })).json()
    expect(cleared.share).toMatchObject({ title: null, maxDownloads: null })

    await routes.revoke(
      apiRequest("DELETE", `/api/shares/${share.id}`, { headers: await browserHeaders(owner.id) }),
      params({ id: share.id }),
    )
    const dead = await patch({ maxDownloads: 100 })
    expect(dead.status).toBe(409)
    expect(await errorCode(dead)).toBe("share_not_active")
  })

  it("never logged a share token, presigned URL or signature", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    for (const token of issuedTokens) expect(text).not.toContain(token)
  })
})
