import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { MIB, show } from "@/tests/support/bad-input/values"
import {
  setUpBadInputWorld,
  PROFILE,
  RUNS,
  SLOW_MACHINE_TIMEOUT,
  call,
  endpoint,
  expectNothingChanged,
  expectRefused,
  bodyEndpoints,
  type CallOptions,
} from "@/tests/support/bad-input/world"

/**
 * Bodies that are not the JSON object a route reads: malformed text, bytes that are not UTF-8,
 * JSON values that are not objects, and bodies over the size cap, on every route that reads one.
 */
setUpBadInputWorld()

describe(
  `bad input on every API route: bodies that are not a JSON object (${PROFILE} storage)`,
  { timeout: SLOW_MACHINE_TIMEOUT },
  () => {
    it("refuses malformed JSON with 400 invalid_json", async () => {
      const malformed = [
        "{",
        "}",
        '{"a":}',
        "[1,",
        "nul",
        "NaN",
        '{"size": NaN}',
        '{"size": Infinity}',
        "{'a': 1}",
        "{a:1}",
        "{}garbage",
        '{"a":1}}',
        "\u0000",
        '"\\ud800',
        "\u00ff\u00fe",
      ]
      await expectNothingChanged(async () => {
        for (const candidate of bodyEndpoints()) {
          for (const text of malformed) {
            const error = await expectRefused(
              await call(candidate, { rawBody: text }),
              `${candidate.key} ${show(text)}`,
              400,
            )
            expect(error.code, `${candidate.key} ${show(text)}`).toBe("invalid_json")
          }
          if (candidate.reads === "required") {
            const error = await expectRefused(await call(candidate, { rawBody: "" }), `${candidate.key} (empty)`, 400)
            expect(error.code).toBe("invalid_json")
          }
          // Bytes that are not UTF-8 at all.
          const error = await expectRefused(
            await call(candidate, { rawBody: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) }),
            `${candidate.key} (not UTF-8)`,
            400,
          )
          expect(error.code).toBe("invalid_json")
        }
      })
    })

    it("refuses JSON that is not an object with 400 invalid_request", async () => {
      await expectNothingChanged(async () => {
        for (const candidate of bodyEndpoints()) {
          for (const text of ["null", "[]", "[{}]", "0", "-1", '"text"', "true", "1e400"]) {
            const error = await expectRefused(await call(candidate, { rawBody: text }), `${candidate.key} ${text}`, 400)
            expect(error.code).toBe("invalid_request")
          }
        }
      })
    })

    it("refuses bodies over the cap with 413 body_too_large: declared, sent, or streamed without a length", async () => {
      const { JSON_BODY_MAX_BYTES } = await import("@/lib/errors")
      const { BATCH_GRANT_BODY_MAX_BYTES } = await import("@/lib/shared/validations/uploads")
      expect(JSON_BODY_MAX_BYTES).toBeLessThanOrEqual(64 * 1024)
      const huge = (bytes: number) => JSON.stringify({ name: "x".repeat(bytes) })
      const chunked = (bytes: number) =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            const chunk = new TextEncoder().encode(" ".repeat(1024))
            for (let sent = 0; sent < bytes; sent += chunk.length) controller.enqueue(chunk)
            controller.enqueue(new TextEncoder().encode("{}"))
            controller.close()
          },
        })
      await expectNothingChanged(async () => {
        for (const candidate of bodyEndpoints()) {
          // POST uploads also takes a batch of up to 100 files, under its own cap.
          const limit = candidate.route.endsWith("/complete")
            ? 2 * MIB
            : candidate.key === "POST uploads"
              ? BATCH_GRANT_BODY_MAX_BYTES
              : JSON_BODY_MAX_BYTES
          const cases: [string, CallOptions][] = [
            ["one byte over", { rawBody: huge(limit) }],
            ["4 MiB", { rawBody: huge(4 * MIB) }],
            ["declared in Content-Length", { rawBody: "{}", headers: { "content-length": String(limit + 1) } }],
            ["declared 2^63", { rawBody: "{}", headers: { "content-length": "9223372036854775808" } }],
            ["streamed without a length", { rawBody: chunked(limit + 1024) }],
          ]
          for (const [label, options] of cases) {
            const error = await expectRefused(await call(candidate, options), `${candidate.key} ${label}`, 413)
            expect(error.code).toBe("body_too_large")
          }
        }
      })
    })
  },
)

describe(
  `bad input, generated: bodies that are not a JSON object (${PROFILE} storage)`,
  { timeout: SLOW_MACHINE_TIMEOUT },
  () => {
    it("refuses any JSON value that is not an object, on every route that reads a body", async () => {
      await expectNothingChanged(async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...bodyEndpoints().map((each) => each.key)),
            fc.oneof(
              fc.constant(null),
              fc.boolean(),
              fc.double(),
              fc.integer(),
              fc.string(),
              fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
            ),
            async (key, value) => {
              const candidate = endpoint(key)
              const error = await expectRefused(
                await call(candidate, { rawBody: JSON.stringify(value) }),
                `${candidate.key} ${show(value)}`,
                400,
              )
              expect(error.code).toBe("invalid_request")
            },
          ),
          { numRuns: RUNS },
        )
      })
    })
  },
)
