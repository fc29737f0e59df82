import { afterAll, beforeAll, expect, it } from "vitest"
import { apiRequest, useFreshDatabase } from "@/tests/support/app"

let database: Awaited<ReturnType<typeof useFreshDatabase>>

beforeAll(async () => {
  database = await useFreshDatabase()
})

afterAll(() => database.cleanUp())

it("makes exactly one admin when several people sign up at once on an empty server", async () => {
  const { POST } = await import("@/app/api/register/route")
  const responses = await Promise.all(
    Array.from({ length: 6 }, (_, index) =>
      POST(
        apiRequest("POST", "/api/register", {
          body: { email: `racer${index}@example.com`, password: "perfectly-fine-1" },
          headers: { "x-forwarded-for": `192.0.2.${index + 1}` },
        }),
      ),
    ),
  )
  expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201, 201])
  const roles = await Promise.all(responses.map(async (response) => (await response.json()).user.role))
  expect(roles.filter((role) => role === "ADMIN")).toHaveLength(1)
})
