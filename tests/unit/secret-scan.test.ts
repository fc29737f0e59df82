import { describe, expect, it } from "vitest"
import { findLeaks, parseSecretsFile } from "@/e2e/support/secret-scan"

// A log like the app server's: startup lines, a reaper line, an error line with a redacted URL.
const CLEAN_LOG = [
  "▲ Next.js 16.4.6",
  "- Local:         http://127.0.0.1:39937",
  "✓ Ready in 96ms",
  "[reaper] closed 2 expired upload(s)",
  "[api] unhandled error (request 5f1c): fetch failed for http://127.0.0.1:4569/valet-test/u/abc?[redacted]",
  "[storage] headObject failed: NoSuchKey (HTTP 404)",
].join("\n")

const TOKEN = "Zx8v1K2m3N4b5V6c7X8z9A0s1D2f3G4h5J6k7L8q9W0"
const PASSWORD = "Correct-horse-0a1b2c3d4e"

describe("the server-log secrets scanner", () => {
  it("passes a clean log, even with the run's secrets recorded", () => {
    expect(findLeaks(CLEAN_LOG, [PASSWORD, TOKEN, "vlt_" + TOKEN])).toEqual([])
  })

  it.each([
    [
      "a presigned URL",
      "GET /valet-test/u/1?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261123&X-Amz-Signature=9f1e",
      ["presigned URL signature", "presigned URL credential"],
    ],
    ["an API token", `auth failed for Bearer vlt_${TOKEN.toLowerCase()}`, ["API token"]],
    ["a share link", `GET /s/${TOKEN} 200 in 12ms`, ["share or upload-request link", "secret used by a spec"]],
    [
      "an upload-request API path",
      `POST /api/r/${TOKEN}/uploads 201`,
      ["share or upload-request link", "secret used by a spec"],
    ],
    [
      "a password in a body",
      `[api] bad input {"email":"a@example.test","password":"${PASSWORD}"}`,
      ["secret used by a spec"],
    ],
    ["a bare token", `share ${TOKEN} redeemed`, ["secret used by a spec"]],
  ])("finds %s planted in the log", (_, planted, kinds) => {
    const log = `${CLEAN_LOG}\n${planted}\n✓ done`
    const leaks = findLeaks(log, [PASSWORD, TOKEN])
    expect(leaks.map((leak) => leak.kind).sort()).toEqual([...kinds].sort())
    // Reported by line, never printed in full.
    for (const leak of leaks) {
      expect(leak.line).toBe(CLEAN_LOG.split("\n").length + 1)
      expect(leak.excerpt).not.toContain(TOKEN)
      expect(leak.excerpt).not.toContain(PASSWORD)
    }
  })

  it("ignores recorded values too short to be told from ordinary words", () => {
    expect(findLeaks("status ok\nshort", ["short", "ok"])).toEqual([])
  })

  it("reads the secrets file the fixtures append to", () => {
    expect(parseSecretsFile(`${PASSWORD}\n${TOKEN}\n\n`)).toEqual([PASSWORD, TOKEN])
  })
})
