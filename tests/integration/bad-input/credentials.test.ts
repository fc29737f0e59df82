import { describe, expect, it } from "vitest"
import { APP_ORIGIN, apiRequest, browserHeaders } from "@/tests/support/app"
import { show } from "@/tests/support/bad-input/values"
import {
  setUpBadInputWorld,
  PROFILE,
  SLOW_MACHINE_TIMEOUT,
  PUBLIC_JSON_ROUTES,
  endpoints,
  admin,
  alice,
  BODY_CASES,
  call,
  expectNothingChanged,
  expectRefused,
  paramsFor,
} from "@/tests/support/bad-input/world"

/**
 * Garbage bearer tokens and session cookies (401), and signed-in requests from another origin
 * (403 cross_origin_request), on every route that needs a caller.
 */
setUpBadInputWorld()

describe(
  `bad input on every API route: credentials and origins (${PROFILE} storage)`,
  { timeout: SLOW_MACHINE_TIMEOUT },
  () => {
    it("refuses garbage credentials and foreign origins with JSON errors", async () => {
      const candidates = endpoints.filter((each) => !each.route.startsWith("r/") && !PUBLIC_JSON_ROUTES.has(each.route))
      await expectNothingChanged(async () => {
        for (const candidate of candidates) {
          for (const headers of <Record<string, string>[]>[
            { authorization: "Bearer " + "x".repeat(8000) },
            { authorization: "Bearer vlt_\u00ff" },
            { authorization: "Basic YWxpY2U6cGFzcw==" },
            { cookie: "next-auth.session-token=" + "A".repeat(4000) },
            { cookie: "next-auth.session-token=%E0%A4%A" },
          ]) {
            const response = await candidate.handler(
              apiRequest(candidate.method, `/api/${candidate.route}`, { headers: { origin: APP_ORIGIN, ...headers } }),
              {
                params: Promise.resolve(paramsFor(candidate.route, alice)),
              },
            )
            await expectRefused(response, `${candidate.key} ${show(headers)}`, 401)
          }
        }
        // A signed-in browser request from another origin is a CSRF attempt, whatever it carries.
        for (const candidate of candidates.filter((each) => each.method !== "GET")) {
          const headers = {
            ...(await browserHeaders(candidate.route.startsWith("admin/") ? admin.id : alice.userId)),
            origin: "https://evil.example",
          }
          const response = await call(candidate, { headers, body: BODY_CASES[candidate.key]?.valid })
          const error = await expectRefused(response, `${candidate.key} from another origin`, 403)
          expect(error.code).toBe("cross_origin_request")
        }
      })
    })
  },
)
