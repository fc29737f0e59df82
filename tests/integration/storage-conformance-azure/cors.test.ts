import { beforeAll, describe, expect, it } from "vitest"
import { APP_ORIGIN } from "@/tests/support/app"
import { isAzure } from "@/tests/support/storage-profile"
import {
  setUpAzureConformanceWorld,
  PROFILE,
  FOREIGN_ORIGIN,
  storage,
  randomBody,
  newKey,
  send,
  unsignedUrl,
  storeSealed,
} from "@/tests/support/storage-conformance-azure/world"

/**
 * The blob service's CORS rule: the app origin only.
 */
setUpAzureConformanceWorld()

describe.runIf(isAzure)(`Azure SAS conformance on ${PROFILE} storage: CORS`, () => {
  describe("CORS for the app origin only", () => {
    let getUrl = ""
    beforeAll(async () => {
      const key = newKey("cors.bin")
      const version = await storeSealed(key, randomBody(64))
      getUrl = (await storage.presignGet({ key, filename: "cors.bin", version })).url
    })
    const preflight = (origin: string, headers = "x-ms-blob-type,x-ms-blob-content-type,content-type") =>
      send(unsignedUrl(getUrl), {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": headers },
      })

    it("a preflight for a Put Blob from the app origin passes; a foreign origin or an unlisted header does not", async () => {
      const allowed = await preflight(APP_ORIGIN)
      expect(allowed.status).toBe(200)
      expect(allowed.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN)
      expect((await preflight(FOREIGN_ORIGIN)).status).toBe(403)
      expect((await preflight(APP_ORIGIN, "x-ms-blob-type,x-evil")).status).toBe(403)
    })

    it("a signed GET from the app origin is readable and exposes ETag; a foreign origin gets no grant", async () => {
      const response = await send(getUrl, { headers: { Origin: APP_ORIGIN } })
      expect(response.status).toBe(200)
      expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN)
      expect((response.headers.get("access-control-expose-headers") ?? "").toLowerCase()).toContain("etag")
      const foreign = await send(getUrl, { headers: { Origin: FOREIGN_ORIGIN } })
      expect([FOREIGN_ORIGIN, "*"]).not.toContain(foreign.headers.get("access-control-allow-origin"))
    })
  })
})
