import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpShareLinksWorld,
  PROFILE,
  routes,
  shares,
  owner,
  logged,
  issuedTokens,
  params,
  uploadFile,
  createLinkOk,
  recipientRequest,
  downloadFile,
  previewFile,
  startZip,
  unlock,
  errorCode,
} from "@/tests/support/share-links/world"

/**
 * What lets a recipient in and what ends it: the unlock cookie of a password link (signed,
 * httpOnly, scoped, ended by a new password), and 410 on every recipient route after revocation.
 */
setUpShareLinksWorld()

describe(`links with several files on ${PROFILE} storage: unlocking and revocation`, () => {
  it("unlocks a password link with a signed, httpOnly cookie scoped to the link, ended by a new password", async () => {
    const file = await uploadFile("locked.png", "image/png")
    const share = await createLinkOk({ fileIds: [file.id], password: "open-sesame" })
    expect(await errorCode(await previewFile(share.token, file.id))).toBe("password_required")
    expect(await errorCode(await unlock(share.token, "wrong-guess"))).toBe("wrong_password")

    const unlocked = await unlock(share.token, "open-sesame")
    expect(unlocked.status).toBe(204)
    const setCookie = unlocked.headers.get("set-cookie") ?? ""
    expect(setCookie).toMatch(
      new RegExp(`^valet_share_unlock=[^;]+; Path=/s/${share.token}; Max-Age=1800; HttpOnly; SameSite=Lax`),
    )
    const cookie = setCookie.split(";")[0] ?? ""
    expect((await previewFile(share.token, file.id, { cookie })).status).toBe(302)
    expect((await downloadFile(share.token, file.id, { cookie })).status).toBe(302)
    expect(await shares.isShareUnlocked(share.token, cookie.split("=")[1])).toBe(true)

    // Another link's cookie value opens nothing here.
    const other = await createLinkOk({ fileIds: [file.id], password: "open-sesame" })
    expect((await previewFile(other.token, file.id, { cookie })).status).toBe(401)

    await routes.update(
      apiRequest("PATCH", `/api/shares/${share.id}`, {
        body: { password: "changed-now" },
        headers: await browserHeaders(owner.id),
      }),
      params({ id: share.id }),
    )
    expect((await previewFile(share.token, file.id, { cookie })).status).toBe(401)
  })

  it("answers 410 on every recipient route right after revocation", async () => {
    const file = await uploadFile("revoked.png", "image/png")
    const share = await createLinkOk({ fileIds: [file.id] })
    const zip = (await (await startZip(share.token)).json()) as { ticket: string }
    expect((await previewFile(share.token, file.id)).status).toBe(302)
    const revoked = await routes.revoke(
      apiRequest("DELETE", `/api/shares/${share.id}`, { headers: await browserHeaders(owner.id) }),
      params({ id: share.id }),
    )
    expect(revoked.status).toBe(204)
    const answers = [
      await downloadFile(share.token, file.id),
      await downloadFile(share.token, file.id, { body: { ticket: zip.ticket } }),
      await previewFile(share.token, file.id),
      await routes.preview(
        recipientRequest("POST", `/s/${share.token}/files/${file.id}/preview`, { body: {} }),
        params({ token: share.token, fileId: file.id }),
      ),
      await startZip(share.token),
      await unlock(share.token, "anything"),
      await routes.legacyDownload(
        recipientRequest("GET", `/s/${share.token}/download`),
        params({ token: share.token }),
      ),
    ]
    for (const answer of answers) {
      expect(answer.status).toBe(410)
      expect(await errorCode(answer)).toBe("share_revoked")
    }
    // Deleting a file revokes the links holding it too.
    const kept = await uploadFile("kept.png", "image/png")
    const doomed = await uploadFile("doomed.png", "image/png")
    const both = await createLinkOk({ fileIds: [kept.id, doomed.id] })
    await routes.deleteFile(
      apiRequest("DELETE", `/api/files/${doomed.id}`, { headers: await browserHeaders(owner.id) }),
      params({ id: doomed.id }),
    )
    expect(await errorCode(await previewFile(both.token, kept.id))).toBe("share_revoked")
  })

  it("never logged a share token, presigned URL or signature", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    for (const token of issuedTokens) expect(text).not.toContain(token)
  })
})
