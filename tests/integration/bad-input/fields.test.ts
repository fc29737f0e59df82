import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  MAX_FILE_SIZE,
  MISSING,
  WRONG_TYPES,
  TOO_BIG_INTEGERS,
  NOT_WHOLE,
  FORBIDDEN_IN_NAMES,
  bodyText,
  withField,
  show,
} from "@/tests/support/bad-input/values"
import {
  setUpBadInputWorld,
  PROFILE,
  RUNS,
  SLOW_MACHINE_TIMEOUT,
  BODY_CASES,
  call,
  endpoint,
  expectNothingChanged,
  expectRefused,
  bodyEndpoints,
} from "@/tests/support/bad-input/world"

/**
 * Bodies with one bad field, per route from its table in tests/support/bad-input/bodies/: each
 * value is refused with 400 naming the field (or the 4xx its table gives), as tables and as
 * fast-check properties (any value the schema refuses, hostile characters in names, bad sizes).
 */
setUpBadInputWorld()

describe(`bad input on every API route: fields (${PROFILE} storage)`, { timeout: SLOW_MACHINE_TIMEOUT }, () => {
  it("refuses each bad field with 400 invalid_request naming the field, on every route that reads a body", async () => {
    await expectNothingChanged(async () => {
      for (const candidate of bodyEndpoints()) {
        const bodyCase = BODY_CASES[candidate.key]
        if (!bodyCase) throw new Error(`no BODY_CASES entry for ${candidate.key}`)
        // Routes that share a schema with one tested in full (the link-holder's twins) get a sample.
        const isTwin = Object.entries(BODY_CASES).some(
          ([other, otherCase]) => otherCase === bodyCase && other !== candidate.key && other < candidate.key,
        )
        for (const [field, values] of Object.entries(bodyCase.fields)) {
          for (const value of isTwin ? values.filter((_, index) => index % 4 === 0) : values) {
            const label = `${candidate.key} ${field}=${show(value)}`
            const error = await expectRefused(
              await call(candidate, { rawBody: bodyText(withField(bodyCase.valid, field, value)) }),
              label,
              400,
            )
            expect(error.code, label).toBe("invalid_request")
            expect(error.message, label).toMatch(new RegExp(`^(${field}|body)\\b`))
          }
        }
        for (const other of bodyCase.others ?? []) {
          const label = `${candidate.key} ${show(other.body)}`
          const error = await expectRefused(await call(candidate, { body: other.body }), label, other.status)
          expect(error.code, label).toBe(other.code)
        }
      }
    })
  })
})

describe(`bad input, generated: fields (${PROFILE} storage)`, { timeout: SLOW_MACHINE_TIMEOUT }, () => {
  it("refuses any body its schema refuses with 400, whatever the field holds", async () => {
    const anyValue = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.constantFrom(MISSING, ...WRONG_TYPES, ...TOO_BIG_INTEGERS, ...NOT_WHOLE, ...FORBIDDEN_IN_NAMES),
    )
    await expectNothingChanged(async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...bodyEndpoints().map((each) => each.key)),
          fc.nat(),
          anyValue,
          fc.option(fc.tuple(fc.string({ maxLength: 10 }), anyValue)),
          async (key, fieldIndex, value, extra) => {
            const candidate = endpoint(key)
            const bodyCase = BODY_CASES[candidate.key]
            if (!bodyCase) throw new Error(`no BODY_CASES entry for ${candidate.key}`)
            const fields = Object.keys(bodyCase.fields)
            const field = fields[fieldIndex % fields.length] ?? ""
            const body = { ...withField(bodyCase.valid, field, value), ...(extra ? { [extra[0]]: extra[1] } : {}) }
            const text = bodyText(body)
            // Only bodies the schema refuses: an accepted one would (rightly) create something.
            fc.pre(!bodyCase.schema.safeParse(JSON.parse(text)).success)
            const error = await expectRefused(
              await call(candidate, { rawBody: text }),
              `${candidate.key} ${show(text)}`,
              400,
            )
            expect(error.code).toBe("invalid_request")
          },
        ),
        { numRuns: RUNS * 2 },
      )
    })
  })

  it("refuses any name holding a control, bidi-override or unpaired surrogate character", async () => {
    const forbidden = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }),
      fc.integer({ min: 0x7f, max: 0x9f }),
      fc.integer({ min: 0x202a, max: 0x202e }),
      fc.integer({ min: 0x2066, max: 0x2069 }),
      fc.constantFrom(0x2028, 0x2029, 0xd800, 0xdbff, 0xdc00, 0xdfff),
    )
    const targets: [string, string][] = [
      ["POST uploads", "name"],
      ["POST r/[token]/uploads", "name"],
      ["POST tokens", "name"],
      ["POST upload-requests", "title"],
      ["POST register", "name"],
    ]
    await expectNothingChanged(async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...targets),
          fc.string({ maxLength: 20 }),
          forbidden,
          fc.string({ maxLength: 20 }),
          async ([key, field], before, code, after) => {
            const bodyCase = BODY_CASES[key]
            if (!bodyCase) throw new Error(key)
            // Inside the name: at either end, whitespace-like controls are trimmed away, which is fine.
            const name = `x${before}${String.fromCharCode(code)}${after}x`
            const label = `${key} ${field}=${show(name)}`
            const error = await expectRefused(
              await call(endpoint(key), { body: withField(bodyCase.valid, field, name) }),
              label,
              400,
            )
            expect(error.code, label).toBe("invalid_request")
          },
        ),
        { numRuns: RUNS },
      )
    })
  })

  it("refuses any size that is not a whole number of bytes within the limit", async () => {
    const badSize = fc.oneof(
      fc.integer({ max: -1 }).map(String),
      fc
        .double({ noNaN: true })
        .filter((size) => !Number.isInteger(size))
        .map((size) => JSON.stringify(size)),
      fc.bigInt({ min: BigInt(MAX_FILE_SIZE) + 1n, max: 2n ** 70n }).map(String),
      fc.bigInt({ min: -(2n ** 70n), max: -1n }).map(String),
      fc.constantFrom("NaN", "Infinity", "-Infinity", "1e400", '"1"', "null", "[]"),
    )
    await expectNothingChanged(async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom("POST uploads", "POST r/[token]/uploads"), badSize, async (key, size) => {
          await expectRefused(
            await call(endpoint(key), { rawBody: `{"name":"a.bin","size":${size}}` }),
            `${key} size=${size}`,
            [400, 413],
          )
        }),
        { numRuns: RUNS },
      )
    })
  })
})
