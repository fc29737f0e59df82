import { describe, expect, it } from "vitest"
import { query } from "@/tests/support/database"
import { isAzure, SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpShareLinksWorld,
  PROFILE,
  database,
  shares,
  logged,
  issuedTokens,
  type FileBody,
  UA,
  uploadFile,
  createLinkOk,
  downloadFile,
  previewFile,
  startZip,
  errorCode,
} from "@/tests/support/share-links/world"

/**
 * What counts as a download of a link to several files: a file or a whole zip once, never a view or
 * a preview, and exactly N of many concurrent downloads across its files.
 */
setUpShareLinksWorld()

describe(`links with several files on ${PROFILE} storage: counting downloads`, () => {
  it("counts a file download or a whole zip as one, never a view or a preview", async () => {
    const png = await uploadFile("count.png", "image/png")
    const text = await uploadFile("count.txt", "text/plain")
    const share = await createLinkOk({ fileIds: [png.id, text.id], maxDownloads: 2 })
    await shares.recordShareView({ token: share.token, ip: "198.51.100.9", userAgent: UA })
    for (let index = 0; index < 5; index += 1) expect((await previewFile(share.token, png.id)).status).toBe(302)

    const first = await downloadFile(share.token, text.id, { json: true })
    expect(first.status).toBe(200)
    const answered = (await first.json()) as { url: string; remainingDownloads: number }
    expect(answered).toMatchObject({ url: expect.stringMatching(SIGNATURE_PATTERN), remainingDownloads: 1 })
    // Azure: the key reads the snapshot completion verified, not the blob a write key could change.
    if (isAzure) expect(new URL(answered.url).searchParams.get("snapshot")).toBeTruthy()

    const zip = await startZip(share.token)
    expect(zip.status).toBe(200)
    const started = (await zip.json()) as { ticket: string; files: FileBody[]; remainingDownloads: number }
    expect(started.files.map((file) => file.id)).toEqual([png.id, text.id])
    expect(started.remainingDownloads).toBe(0)

    // The zip was the last download: its files still come through the ticket, each its own key…
    for (const file of [png, text]) {
      const response = await downloadFile(share.token, file.id, { body: { ticket: started.ticket } })
      expect(response.status).toBe(302)
      const fetched = await fetch(response.headers.get("location") ?? "")
      expect(new Uint8Array(await fetched.arrayBuffer())).toEqual(file.data)
    }
    // …once each: the same ticket replayed cannot fetch a file again uncounted…
    expect(await errorCode(await downloadFile(share.token, png.id, { body: { ticket: started.ticket } }))).toBe(
      "share_used_up",
    )
    // …and nothing else does, and a forged ticket counts as none.
    expect(await errorCode(await downloadFile(share.token, png.id))).toBe("share_used_up")
    expect(
      await errorCode(
        await downloadFile(share.token, png.id, { body: { ticket: `${started.ticket.slice(0, -2)}AA` } }),
      ),
    ).toBe("share_used_up")
    expect(await errorCode(await startZip(share.token))).toBe("share_used_up")
    const [row] = await query<{ downloads: number }>(database.url, `SELECT downloads FROM "Share" WHERE id = $1`, [
      share.id,
    ])
    expect(row?.downloads).toBe(2)
  })

  it("admits exactly N of many concurrent downloads racing across different files of one link", async () => {
    const files = await Promise.all(
      ["r1.bin", "r2.bin", "r3.bin"].map((name) => uploadFile(name, "application/octet-stream")),
    )
    const share = await createLinkOk({ fileIds: files.map((file) => file.id), maxDownloads: 4 })
    const attempts = Array.from({ length: 30 }, (_, index) =>
      index % 5 === 4
        ? startZip(share.token, { ip: `203.0.113.${index}` })
        : downloadFile(share.token, files[index % 3]?.id ?? "", { ip: `203.0.113.${index}` }),
    )
    const statuses = (await Promise.all(attempts)).map((response) => response.status)
    expect(statuses.filter((status) => status === 302 || status === 200)).toHaveLength(4)
    expect(statuses.filter((status) => status === 410)).toHaveLength(26)
    const [row] = await query<{ downloads: number }>(database.url, `SELECT downloads FROM "Share" WHERE id = $1`, [
      share.id,
    ])
    expect(row?.downloads).toBe(4)
    const events = await query<{ n: string }>(
      database.url,
      `SELECT count(*) AS n FROM "ShareEvent" WHERE "shareId" = $1 AND kind IN ('download', 'download_all')`,
      [share.id],
    )
    expect(Number(events[0]?.n)).toBe(4)
  })

  it("never logged a share token, presigned URL or signature", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    for (const token of issuedTokens) expect(text).not.toContain(token)
  })
})
