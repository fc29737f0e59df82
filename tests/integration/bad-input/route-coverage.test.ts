import { describe, expect, it } from "vitest"
import {
  setUpBadInputWorld,
  PROFILE,
  SLOW_MACHINE_TIMEOUT,
  endpoints,
  BODY_CASES,
  idFieldOf,
  bodyEndpoints,
} from "@/tests/support/bad-input/world"

/**
 * Bad input reaches every API route found on disk: a new route fails here until its body is
 * described (tests/support/bad-input/bodies/) and its [id] names a resource the world seeds.
 */
setUpBadInputWorld()

describe(`bad input on every API route (${PROFILE} storage)`, { timeout: SLOW_MACHINE_TIMEOUT }, () => {
  it("finds the routes on disk, and has a body description for every route that reads one", () => {
    expect(endpoints.length).toBeGreaterThan(30)
    expect(bodyEndpoints().length).toBeGreaterThanOrEqual(13)
    expect(
      bodyEndpoints()
        .map((candidate) => candidate.key)
        .filter((key) => !BODY_CASES[key]),
    ).toEqual([])
    for (const key of Object.keys(BODY_CASES))
      expect(
        endpoints.map((candidate) => candidate.key),
        key,
      ).toContain(key)
    // Every [id] route names a resource this file can seed.
    for (const candidate of endpoints.filter((each) => each.route.includes("[id]")))
      expect(() => idFieldOf(candidate.route)).not.toThrow()
  })
})
