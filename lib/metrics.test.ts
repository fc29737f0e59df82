import { describe, expect, it } from "vitest"
import { isMetricsTokenValid, routePattern } from "@/lib/metrics"

describe("routePattern", () => {
  it("puts each param's name where its value stood", () => {
    expect(routePattern("/api/files/abc123/download", { id: "abc123" })).toBe("/api/files/[id]/download")
    expect(routePattern("/s/TOKEN/files/f1/preview", { token: "TOKEN", fileId: "f1" })).toBe(
      "/s/[token]/files/[fileId]/preview",
    )
    expect(routePattern("/api/health", {})).toBe("/api/health")
  })

  it("matches encoded values and catch-all tails", () => {
    expect(routePattern("/s/a%20b/download", { token: "a b" })).toBe("/s/[token]/download")
    expect(routePattern("/api/auth/callback/credentials", { nextauth: ["callback", "credentials"] })).toBe(
      "/api/auth/[...nextauth]",
    )
  })

  it("never keeps a value that equals a folder name elsewhere in the path", () => {
    // The first equal segment is taken: the label may then be wrong, but it holds only folder names.
    const pattern = routePattern("/api/files/files", { id: "files" })
    expect(pattern.split("/").every((segment) => ["", "api", "files", "[id]"].includes(segment))).toBe(true)
  })
})

describe("isMetricsTokenValid", () => {
  const token = "a-metrics-token-of-some-length"
  it("accepts exactly the bearer token", () => {
    expect(isMetricsTokenValid(`Bearer ${token}`, token)).toBe(true)
    expect(isMetricsTokenValid(`bearer ${token}`, token)).toBe(true)
  })
  it.each([null, "", token, `Basic ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, "Bearer "])(
    "refuses %j",
    (header) => expect(isMetricsTokenValid(header, token)).toBe(false),
  )
})
