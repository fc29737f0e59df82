import { describe, expect, it } from "vitest"
import { PEER_ADDRESS_HEADER } from "@/lib/peer-address"
import { clientIp } from "@/lib/rate-limit"

const request = (forwardedFor?: string, peer = "192.0.2.1") => ({
  headers: new Headers({
    [PEER_ADDRESS_HEADER]: peer,
    ...(forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor }),
  }),
})

describe("clientIp with no trusted proxy (the default)", () => {
  it("uses the socket's address and ignores whatever X-Forwarded-For the client sent", () => {
    expect(clientIp(request("203.0.113.9"), 0)).toBe("192.0.2.1")
    expect(clientIp(request("203.0.113.9, 198.51.100.4"), 0)).toBe("192.0.2.1")
    expect(clientIp(request(), 0)).toBe("192.0.2.1")
  })

  it("answers 'unknown' when no server stamped an address (never the client's header)", () => {
    expect(clientIp({ headers: new Headers({ "x-forwarded-for": "203.0.113.9" }) }, 0)).toBe("unknown")
  })
})

describe("clientIp behind trusted proxies", () => {
  it("takes the entry the nearest proxy appended, ignoring what the client put in front", () => {
    expect(clientIp(request("203.0.113.9, 198.51.100.4"), 1)).toBe("198.51.100.4")
    expect(clientIp(request("198.51.100.4"), 1)).toBe("198.51.100.4")
  })

  it("counts back one entry per trusted proxy", () => {
    expect(clientIp(request("203.0.113.9, 198.51.100.4, 10.0.0.2"), 2)).toBe("198.51.100.4")
  })

  it("uses the socket's address when the header has fewer entries than proxies (the request went around them)", () => {
    expect(clientIp(request("198.51.100.4"), 3)).toBe("192.0.2.1")
    expect(clientIp(request(" , "), 1)).toBe("192.0.2.1")
    expect(clientIp(request(), 1)).toBe("192.0.2.1")
  })
})
