import { describe, expect, it } from "vitest"
import { endOfLifeNotice } from "@/scripts/services/node-release"

describe("endOfLifeNotice", () => {
  const today = new Date("2026-11-29T12:00:00Z")

  it("names an end-of-life Node in one line with its date and the recommended LTS", () => {
    const notice = endOfLifeNotice("v20.20.2", today)
    expect(notice).toBe("valet: Node v20.20.2 is past its end of life (2026-04-30); Node 24 LTS is recommended")
    expect(notice?.split("\n")).toHaveLength(1)
  })

  it("says nothing on a supported LTS or a release not yet scheduled", () => {
    expect(endOfLifeNotice("v22.12.0", today)).toBeUndefined()
    expect(endOfLifeNotice("v24.22.3", today)).toBeUndefined()
    expect(endOfLifeNotice("v30.1.0", today)).toBeUndefined()
  })

  it("turns on from the end-of-life day itself", () => {
    expect(endOfLifeNotice("v22.12.0", new Date("2027-04-29T23:59:59Z"))).toBeUndefined()
    expect(endOfLifeNotice("v22.12.0", new Date("2027-04-30T00:00:00Z"))).toMatch(/^valet: Node v22\.12\.0 is past/)
  })

  it("flags odd releases after their short support and majors older than the schedule it lists", () => {
    expect(endOfLifeNotice("v25.2.1", today)).toContain("(2026-06-01)")
    expect(endOfLifeNotice("v16.20.2", today)).toBe(
      "valet: Node v16.20.2 is past its end of life; Node 24 LTS is recommended",
    )
  })

  it("refuses what is not a Node version", () => {
    expect(() => endOfLifeNotice("latest", today)).toThrow("not a Node version")
  })
})
