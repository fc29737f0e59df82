import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRequest, browserHeaders, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

/** The sender page's password check: right is a 204 (no error in the browser's console), wrong a 401. */
let database: Awaited<ReturnType<typeof useFreshDatabase>>
let routes: {
  create: typeof import("@/app/api/upload-requests/route").POST
  check: typeof import("@/app/api/r/[token]/password/route").POST
}
let token = ""
let ip = 0

const check = (password: string | undefined, target = token) =>
  routes.check(
    apiRequest("POST", `/api/r/${target}/password`, {
      headers: {
        "x-forwarded-for": `198.51.100.${++ip}`,
        ...(password === undefined ? {} : { "x-upload-password": password }),
      },
    }),
    { params: Promise.resolve({ token: target }) },
  )

beforeAll(async () => {
  database = await useFreshDatabase()
  routes = {
    create: (await import("@/app/api/upload-requests/route")).POST,
    check: (await import("@/app/api/r/[token]/password/route")).POST,
  }
  const { registerUser } = await import("@/lib/accounts")
  const owner = await registerUser({ email: "owner@example.com", password: "perfectly-fine-1" })
  const response = await routes.create(
    apiRequest("POST", "/api/upload-requests", {
      body: { title: "Contracts", password: "s3cret-pass" },
      headers: await browserHeaders(owner.id),
    }),
  )
  expect(response.status).toBe(201)
  token = new URL((await response.json()).uploadRequest.url).pathname.split("/")[2] ?? ""
})

afterAll(() => database.cleanUp())

describe("POST /api/r/:token/password", () => {
  it("answers 204 for the right password and mints nothing", async () => {
    const response = await check("s3cret-pass")
    expect(response.status).toBe(204)
    expect(await query(database.url, `SELECT id FROM "Upload"`)).toEqual([])
  })

  it("answers 401 with the catalogue's codes for a wrong or missing password, 404 for an unknown link", async () => {
    const wrong = await check("nope")
    expect(wrong.status).toBe(401)
    expect((await wrong.json()).error.code).toBe("wrong_password")
    const missing = await check(undefined)
    expect(missing.status).toBe(401)
    expect((await missing.json()).error.code).toBe("password_required")
    expect((await check("s3cret-pass", "A".repeat(43))).status).toBe(404)
  })
})
