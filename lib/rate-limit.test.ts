import { describe, expect, it } from "vitest"
import { clientIp } from "@/lib/rate-limit"

const withForwardedFor = (value?: string) => ({ headers: new Headers(value === undefined ? {} : { "x-forwarded-for": value }) })

describe("clientIp", () => {
  it("takes the entry the nearest proxy appended, ignoring what the client put in front", () => {
    expect(clientIp(withForwardedFor("203.0.113.9, 198.51.100.4"), 1)).toBe("198.51.100.4")
    expect(clientIp(withForwardedFor("198.51.100.4"), 1)).toBe("198.51.100.4")
  })

  it("counts back one entry per trusted proxy", () => {
    expect(clientIp(withForwardedFor("203.0.113.9, 198.51.100.4, 10.0.0.2"), 2)).toBe("198.51.100.4")
    // Fewer entries than proxies: the leftmost is the best there is.
    expect(clientIp(withForwardedFor("198.51.100.4"), 3)).toBe("198.51.100.4")
  })

  it("answers 'unknown' without the header rather than throwing", () => {
    expect(clientIp(withForwardedFor(), 1)).toBe("unknown")
    expect(clientIp(withForwardedFor(" , "), 1)).toBe("unknown")
  })
})
