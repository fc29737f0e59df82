import { describe, expect, it } from "vitest"
import { show } from "@/tests/support/bad-input/values"
import {
  setUpBadInputWorld,
  PROFILE,
  SLOW_MACHINE_TIMEOUT,
  endpoints,
  call,
  endpoint,
  expectNothingChanged,
  expectRefused,
  hasParams,
} from "@/tests/support/bad-input/world"

/**
 * Hostile query parameters on the list routes: refused with 400 invalid_request where the route
 * reads them, and never a 500 on any GET route.
 */
setUpBadInputWorld()

describe(
  `bad input on every API route: query parameters (${PROFILE} storage)`,
  { timeout: SLOW_MACHINE_TIMEOUT },
  () => {
    it("refuses hostile query parameters with 400, and never fails on any", async () => {
      const QUERY_CASES: Record<string, Record<string, string[]>> = {
        "GET files": {
          limit: ["NaN", "-1", "0", "101", "1.5", "1e400", "9223372036854775808", "ten"],
          cursor: ["\u0000", "x".repeat(101), "../x"],
          q: ["\u0000", "x".repeat(256), "a\u202eb"],
          sort: ["random", "\u0000"],
        },
        "GET shares": { fileId: ["\u0000", "x".repeat(101), "../x"] },
        "GET admin/users": {
          limit: ["NaN", "-1", "0", "201"],
          cursor: ["\u0000", "../x"],
          q: ["\u0000", "x".repeat(255)],
        },
        "GET admin/shares": {
          state: ["bogus", "\u0000"],
          owner: ["\u0000"],
          q: ["\u0000", "x".repeat(256)],
          cursor: ["\u0000"],
        },
        "GET admin/files": {
          minSize: ["-1", "NaN", "1.5", "9223372036854775808"],
          maxSize: ["-1", "abc"],
          owner: ["\u0000"],
          q: ["\u0000"],
          cursor: ["\u0000"],
        },
        "GET admin/audit": {
          from: ["not a date", "\u0000"],
          to: ["yesterday-ish"],
          action: ["Upload", "\u0000", "a;b"],
          user: ["\u0000"],
          format: ["xml"],
          cursor: ["\u0000"],
          limit: ["1e400"],
        },
      }
      await expectNothingChanged(async () => {
        for (const [key, params] of Object.entries(QUERY_CASES)) {
          const candidate = endpoint(key)
          for (const [name, values] of Object.entries(params)) {
            for (const value of values) {
              const label = `${key}?${name}=${show(value)}`
              const error = await expectRefused(
                await call(candidate, { search: `?${new URLSearchParams({ [name]: value })}` }),
                label,
                400,
              )
              expect(error.code, label).toBe("invalid_request")
            }
          }
        }
        // Every list route, with every parameter any route knows, hostile: refused or ignored, never a 500.
        const names = [...new Set(Object.values(QUERY_CASES).flatMap((params) => Object.keys(params)))]
        for (const candidate of endpoints.filter((each) => each.method === "GET" && !hasParams(each.route))) {
          const queries = [
            ...names.map(
              (name) =>
                new URLSearchParams([
                  [name, "a\u0000\u202e"],
                  [name, "twice"],
                ]),
            ),
            new URLSearchParams(names.map((name) => [name, "x".repeat(5000)])),
          ]
          for (const search of queries) {
            const response = await call(candidate, { search: `?${search}` })
            const label = `${candidate.key}?${show(search.toString())}`
            if (response.status >= 400) await expectRefused(response, label)
            else expect(response.status, label).toBe(200)
          }
        }
      })
    })
  },
)
