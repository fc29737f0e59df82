import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { show, hostileIds } from "@/tests/support/bad-input/values"
import {
  setUpBadInputWorld,
  PROFILE,
  RUNS,
  SLOW_MACHINE_TIMEOUT,
  endpoints,
  alice,
  bob,
  BODY_CASES,
  call,
  endpoint,
  expectNothingChanged,
  expectRefused,
  paramsFor,
  hasParams,
} from "@/tests/support/bad-input/world"

/**
 * Path ids that are not ids, and other users' ids: 404 on every route with one, exactly as for an
 * id that does not exist (never a 500, never a match), as a table and as a fast-check property.
 */
setUpBadInputWorld()

describe(`bad input on every API route: ids (${PROFILE} storage)`, { timeout: SLOW_MACHINE_TIMEOUT }, () => {
  it("answers 404 to ids that are not ids, on every route with one (never 500, never a match)", async () => {
    await expectNothingChanged(async () => {
      for (const candidate of endpoints.filter((each) => hasParams(each.route))) {
        const valid = BODY_CASES[candidate.key]?.valid
        for (const name of [...candidate.route.matchAll(/\[(\w+)\]/g)].map((match) => match[1] ?? "")) {
          const own = paramsFor(candidate.route, alice)[name] ?? ""
          for (const bad of hostileIds(own)) {
            const label = `${candidate.key} ${name}=${show(bad)}`
            await expectRefused(
              await call(candidate, { params: paramsFor(candidate.route, alice, { [name]: bad }), body: valid }),
              label,
              404,
            )
          }
        }
      }
    })
  })

  it("answers 404 to someone else's ids, exactly as to ids that do not exist", async () => {
    await expectNothingChanged(async () => {
      // Admins may act on anyone's resources; for everyone else a foreign id names nothing.
      for (const candidate of endpoints.filter((each) => hasParams(each.route) && !each.route.startsWith("admin/"))) {
        const valid = BODY_CASES[candidate.key]?.valid
        const combos: Record<string, string>[] = candidate.route.startsWith("r/")
          ? [
              paramsFor(candidate.route, alice, { id: bob.requestUploadId }),
              paramsFor(candidate.route, bob, { id: alice.requestUploadId }),
              // The owner's own upload, not one sent through this link.
              paramsFor(candidate.route, alice, { id: alice.uploadId }),
            ].filter((params) => "id" in params)
          : [paramsFor(candidate.route, bob)]
        for (const params of combos) {
          const label = `${candidate.key} ${JSON.stringify(params)}`
          const error = await expectRefused(await call(candidate, { params, body: valid }), label, 404)
          expect(error.code, label).toBe("not_found")
        }
      }
    })
  })
})

describe(`bad input, generated: ids (${PROFILE} storage)`, { timeout: SLOW_MACHINE_TIMEOUT }, () => {
  it("answers 404 to any string as an id, on every route with one", async () => {
    const anyId = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.string({ unit: "grapheme", maxLength: 50 }),
      fc.constantFrom("\u0000", "..", "/", "%", "\\"),
    )
    const routesWithIds = () => endpoints.filter((each) => hasParams(each.route))
    await expectNothingChanged(async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routesWithIds().map((each) => each.key)), anyId, async (key, id) => {
          const candidate = endpoint(key)
          const names = [...candidate.route.matchAll(/\[(\w+)\]/g)].map((match) => match[1] ?? "")
          const name = names.at(-1) ?? "id"
          const own = paramsFor(candidate.route, alice)
          fc.pre(!Object.values(own).includes(id))
          await expectRefused(
            await call(candidate, { params: { ...own, [name]: id }, body: BODY_CASES[candidate.key]?.valid }),
            `${candidate.key} ${name}=${show(id)}`,
            404,
          )
        }),
        { numRuns: RUNS * 2 },
      )
    })
  })
})
