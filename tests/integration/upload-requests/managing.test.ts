import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import {
  setUpUploadRequestsWorld,
  PROFILE,
  owner,
  other,
  routes,
  tokenOf,
  count,
  createRequest,
  grant,
} from "@/tests/support/upload-requests/world"

/**
 * The owner's side of a request: only the owner (or an admin) sees and closes it, and a bad
 * definition is refused with 400, creating nothing.
 */
setUpUploadRequestsWorld()

describe(`upload requests on ${PROFILE} storage: managing a request`, () => {
  it("lets only the owner (or an admin) see and close a request", async () => {
    const created = await createRequest({}, other.id)
    const asOwner = await browserHeaders(owner.id) // owner is the first account, so an admin here
    const asStranger = await browserHeaders(
      (
        await (
          await import("@/lib/accounts")
        ).registerUser({ email: "third@example.com", password: "perfectly-fine-3" })
      ).id,
    )
    const params = { params: Promise.resolve({ id: created.id }) }
    expect(
      (await routes.detail(apiRequest("GET", `/api/upload-requests/${created.id}`, { headers: asStranger }), params))
        .status,
    ).toBe(404)
    expect(
      (
        await routes.close(
          apiRequest("POST", `/api/upload-requests/${created.id}/close`, { headers: asStranger }),
          params,
        )
      ).status,
    ).toBe(404)
    expect(
      (await routes.close(apiRequest("POST", `/api/upload-requests/${created.id}/close`, { headers: asOwner }), params))
        .status,
    ).toBe(204)
    expect((await grant(tokenOf(created), { name: "a", size: 1 })).status).toBe(410)
  })

  it("answers 400 for a bad request definition and creates nothing", async () => {
    const before = await count("UploadRequest")
    for (const body of [
      { title: "" },
      { title: "x", maxFiles: 0 },
      { title: "x", allowedTypes: ["not a type"] },
      { title: "x", expiresIn: 10 },
    ]) {
      const response = await routes.create(
        apiRequest("POST", "/api/upload-requests", { body, headers: await browserHeaders(owner.id) }),
      )
      expect(response.status, JSON.stringify(body)).toBe(400)
    }
    expect(await count("UploadRequest")).toBe(before)
  })
})
