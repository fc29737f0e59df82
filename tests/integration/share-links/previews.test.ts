import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { APP_ORIGIN } from "@/tests/support/app"
import { isAzure, SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpShareLinksWorld,
  PROFILE,
  logged,
  issuedTokens,
  uploadFile,
  createLinkOk,
  previewFile,
  errorCode,
} from "@/tests/support/share-links/world"

/**
 * Inline previews: only types that cannot run script, the type pinned into the key, Range on it.
 */
setUpShareLinksWorld()

describe(`links with several files on ${PROFILE} storage: previews`, () => {
  it("previews only types that cannot run script, inline with the pinned type; Range works on the key", async () => {
    const bytes = new Uint8Array(randomBytes(4096))
    const cases = [
      { name: "p.png", type: "image/png", pinned: "image/png" },
      { name: "v.mp4", type: "video/mp4", pinned: "video/mp4" },
      { name: "d.pdf", type: "application/pdf", pinned: "application/pdf" },
      { name: "t.txt", type: "text/plain", pinned: "text/plain; charset=utf-8" },
      { name: "c.csv", type: "text/csv", pinned: "text/plain; charset=utf-8" },
    ]
    const refused = [
      "text/html",
      "image/svg+xml",
      "application/xml",
      "text/xml",
      "application/octet-stream",
      "application/xhtml+xml",
    ]
    const shown = await Promise.all(cases.map((each) => uploadFile(each.name, each.type, bytes)))
    const hidden = await Promise.all(refused.map((type, index) => uploadFile(`r${index}.bin`, type)))
    const share = await createLinkOk({ fileIds: [...shown, ...hidden].map((file) => file.id) })

    for (const file of hidden) {
      const response = await previewFile(share.token, file.id)
      expect(response.status, file.type).toBe(404)
      expect(await errorCode(response)).toBe("no_preview")
    }
    for (const [index, each] of cases.entries()) {
      const response = await previewFile(share.token, shown[index]?.id ?? "")
      expect(response.status, each.type).toBe(302)
      expect(response.headers.get("referrer-policy")).toBe("no-referrer")
      const fetched = await fetch(response.headers.get("location") ?? "")
      expect(fetched.status).toBe(200)
      expect(fetched.headers.get("content-type"), each.type).toBe(each.pinned)
      expect(fetched.headers.get("content-disposition"), each.type).toMatch(/^inline;/)
      await fetched.arrayBuffer()
    }

    // A player's Range request through the preview key, cross-origin as the page makes it.
    const video = await previewFile(share.token, shown[1]?.id ?? "", { json: true })
    const { url, expiresAt } = (await video.json()) as { url: string; expiresAt: string }
    if (isAzure) expect(new URL(url).searchParams.get("snapshot")).toBeTruthy()
    const ttl = (new Date(expiresAt).getTime() - Date.now()) / 1000
    expect(ttl).toBeGreaterThan(590)
    expect(ttl).toBeLessThanOrEqual(600)
    const ranged = await fetch(url, { headers: { Range: "bytes=1000-1999", Origin: APP_ORIGIN } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get("content-range")).toBe("bytes 1000-1999/4096")
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(bytes.slice(1000, 2000))
    expect(ranged.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN)
    expect(ranged.headers.get("access-control-expose-headers") ?? "").toMatch(/content-range/i)
  })

  it("never logged a share token, presigned URL or signature", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    for (const token of issuedTokens) expect(text).not.toContain(token)
  })
})
