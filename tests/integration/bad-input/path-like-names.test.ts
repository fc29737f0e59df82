import { describe, expect, it } from "vitest"
import { browserHeaders } from "@/tests/support/app"
import {
  setUpBadInputWorld,
  PROFILE,
  SLOW_MACHINE_TIMEOUT,
  alice,
  call,
  endpoint,
  ok,
} from "@/tests/support/bad-input/world"
import { objectPathOf, signedDispositionOf, STORED } from "@/tests/support/storage-profile"

/**
 * File names that look like paths stay display names: the object key is minted by the server,
 * and the signed download saves a plain file name.
 */
setUpBadInputWorld()

describe(`names that look like paths are only names (${PROFILE} storage)`, { timeout: SLOW_MACHINE_TIMEOUT }, () => {
  it("keeps ../ and backslashes as a display name: the key is server-minted and the download saves a plain file name", async () => {
    const headers = await browserHeaders(alice.userId)
    for (const name of ["../../etc/passwd", "..\\..\\boot.ini", "/absolute/path.txt", "עברית.txt", "résumé 📄.pdf"]) {
      const data = "just text"
      const grant = (
        await ok<{ upload: { id: string; url: string; headers: Record<string, string> } }>(
          await call(endpoint("POST uploads"), { headers, body: { name, size: data.length, type: "text/plain" } }),
          201,
        )
      ).upload
      expect(new URL(grant.url).pathname, name).toBe(objectPathOf(`u/${alice.userId}/${grant.id}`))
      expect((await fetch(grant.url, { method: "PUT", body: data, headers: grant.headers })).status).toBe(STORED)
      const { file } = await ok<{ file: { id: string; name: string } }>(
        await call(endpoint("POST uploads/[id]/complete"), { headers, params: { id: grant.id } }),
        201,
      )
      expect(file.name).toBe(name)

      const download = await call(endpoint("GET files/[id]/download"), { headers, params: { id: file.id } })
      expect(download.status).toBe(302)
      const disposition = signedDispositionOf(download.headers.get("location") ?? "")
      expect(disposition, name).toMatch(/^attachment; filename="[^"/\\]*"/)
      expect(disposition, name).not.toMatch(/[/\\]/)
      const stored = await fetch(download.headers.get("location") ?? "")
      expect(await stored.text()).toBe(data)

      expect((await call(endpoint("DELETE files/[id]"), { headers, params: { id: file.id } })).status).toBe(204)
    }
  })
})
