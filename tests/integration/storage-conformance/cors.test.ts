import { beforeAll, describe, expect, it } from "vitest"
import { presignGet } from "@/lib/storage"
import { isAzure } from "@/tests/support/storage-profile"
import {
  setUpConformanceWorld,
  PROFILE,
  APP_ORIGIN,
  FOREIGN_ORIGIN,
  newKey,
  randomBody,
  unsignedUrl,
  storeObject,
} from "@/tests/support/storage-conformance/world"

/**
 * The bucket's CORS rule: the app origin only.
 */
setUpConformanceWorld()

describe.skipIf(isAzure)(
  `storage conformance on ${PROFILE} storage: CORS (Azure: see storage-conformance-azure/)`,
  () => {
    describe("CORS for the app origin only", () => {
      let objectUrl = ""
      let getUrl = ""

      beforeAll(async () => {
        const key = newKey("cors.bin")
        await storeObject(key, randomBody(64))
        getUrl = (await presignGet({ key, filename: "cors.bin", contentType: "application/octet-stream" })).url
        objectUrl = unsignedUrl(getUrl)
      })

      function preflightPut(origin: string) {
        return fetch(objectUrl, {
          method: "OPTIONS",
          headers: {
            Origin: origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
          },
        })
      }

      const listOf = (header: string | null) => (header ?? "").split(",").map((item) => item.trim().toLowerCase())

      it("a preflight for a PUT from the app origin passes", async () => {
        const response = await preflightPut(APP_ORIGIN)
        await response.arrayBuffer()
        expect(response.status).toBeGreaterThanOrEqual(200)
        expect(response.status).toBeLessThan(300)
        expect(listOf(response.headers.get("access-control-allow-methods"))).toContain("put")
        expect(listOf(response.headers.get("access-control-allow-headers"))).toContain("content-type")
        // s3rver answers `*` for a matched preflight, Ceph the origin: both let the app through.
        expect([APP_ORIGIN, "*"]).toContain(response.headers.get("access-control-allow-origin"))
      })

      it("a signed GET from the app origin is readable and exposes ETag", async () => {
        const response = await fetch(getUrl, { headers: { Origin: APP_ORIGIN } })
        await response.arrayBuffer()
        expect(response.status).toBe(200)
        expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN)
        expect(listOf(response.headers.get("access-control-expose-headers"))).toContain("etag")
      })

      it("a foreign origin gets no CORS grant, for a preflight or a signed GET", async () => {
        const preflight = await preflightPut(FOREIGN_ORIGIN)
        await preflight.arrayBuffer()
        const preflightOrigin = preflight.headers.get("access-control-allow-origin")
        expect(preflightOrigin).not.toBe(FOREIGN_ORIGIN)
        expect(preflight.ok && preflightOrigin === "*").toBe(false)

        // The signature is valid, so storage serves it; the browser just may not hand it to the page.
        const response = await fetch(getUrl, { headers: { Origin: FOREIGN_ORIGIN } })
        await response.arrayBuffer()
        expect(response.status).toBe(200)
        expect([FOREIGN_ORIGIN, "*"]).not.toContain(response.headers.get("access-control-allow-origin"))
      })
    })
  },
)
