import { describe, expect, it } from "vitest"
import { shareStateOf } from "@/lib/share-state"
import { truncateIp } from "@/lib/shares"
import { createShareSchema } from "@/lib/shared/validations/shares"

describe("shareStateOf", () => {
  const now = new Date("2026-11-23T12:00:00Z")
  const past = new Date("2026-11-23T11:59:59Z")
  const future = new Date("2026-11-23T12:00:01Z")
  const base = { revokedAt: null, expiresAt: null, maxDownloads: null, downloads: 0 }

  it.each([
    ["no expiry, no limit", base, "active"],
    ["expiring later, downloads left", { ...base, expiresAt: future, maxDownloads: 2, downloads: 1 }, "active"],
    ["expiring exactly now", { ...base, expiresAt: now }, "expired"],
    ["limit reached", { ...base, maxDownloads: 2, downloads: 2 }, "used_up"],
    ["expired and used up", { ...base, expiresAt: past, maxDownloads: 1, downloads: 1 }, "expired"],
    [
      "revoked, expired and used up",
      { ...base, revokedAt: past, expiresAt: past, maxDownloads: 1, downloads: 1 },
      "revoked",
    ],
  ] as const)("%s → %s", (_case, share, state) => {
    expect(shareStateOf(share, now)).toBe(state)
  })
})

describe("createShareSchema", () => {
  it("reads an empty password as none and keeps spaces in a real one", () => {
    expect(createShareSchema.parse({ password: "" })).toEqual({ password: undefined })
    expect(createShareSchema.parse({ password: " pass word " }).password).toBe(" pass word ")
  })

  it("tells a missing expiry (the default) from null (never)", () => {
    expect(createShareSchema.parse({}).expiresIn).toBeUndefined()
    expect(createShareSchema.parse({ expiresIn: null }).expiresIn).toBeNull()
  })
})

describe("truncateIp", () => {
  it.each([
    ["203.0.113.77", "203.0.113.0/24"],
    ["::ffff:198.51.100.9", "198.51.100.0/24"],
    ["2001:db8:abcd:12:34:56:78:9", "2001:db8:abcd::/48"],
    ["2001:db8::1", "2001:db8:0::/48"],
    ["::1", "0:0:0::/48"],
    ["unknown", "unknown"],
    ["not an address", "unknown"],
  ])("%s → %s", (ip, expected) => {
    expect(truncateIp(ip)).toBe(expected)
  })
})
