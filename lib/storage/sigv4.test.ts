import { GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3"
import { getSignedUrl } from "@aws-sdk/s3-request-presigner"
import fc from "fast-check"
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest"

// Conformance of the lean presigner (lib/storage/sigv4.ts, used by lib/storage/s3.ts) with the
// AWS SDK: for the same inputs at the same instant, the URLs must be equal byte for byte. The
// storage module is called as the app calls it; the SDK is called the way s3.ts called it before.
vi.stubEnv("DATABASE_URL", "postgresql://unused@127.0.0.1:1/unused")
vi.stubEnv("AUTH_SECRET", "unit-test-secret-of-at-least-32-characters")
vi.stubEnv("S3_ENDPOINT", "http://127.0.0.1:4569")
vi.stubEnv("S3_REGION", "eu-central-1")
vi.stubEnv("S3_ACCESS_KEY_ID", "AKIDCONFORMANCE")
vi.stubEnv("S3_SECRET_ACCESS_KEY", "conformance/secret+key=")
vi.stubEnv("S3_BUCKET", "valet-conformance")

const sdkClient = new S3Client({
  endpoint: "http://127.0.0.1:4569",
  region: "eu-central-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "AKIDCONFORMANCE", secretAccessKey: "conformance/secret+key=" },
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
})
const Bucket = "valet-conformance"

let storage: typeof import("@/lib/storage")
beforeAll(async () => {
  storage = await import("@/lib/storage")
})
beforeEach(() => vi.useFakeTimers({ toFake: ["Date"] }))
afterEach(() => vi.useRealTimers())

/** Any instant in S3's range, to the millisecond (SigV4 keeps seconds; the rest must not leak). */
const instant = fc.date({
  min: new Date("2000-01-01T00:00:00Z"),
  max: new Date("2099-12-31T23:59:59Z"),
  noInvalidDate: true,
})
/** Object keys: Valet mints u/<id>/<id>, but the signer must agree on any key S3 accepts. */
const objectKey = fc.oneof(
  fc.string({ minLength: 1, maxLength: 60, unit: "grapheme" }),
  fc.stringMatching(/^u\/[a-z0-9-]{1,36}\/[a-z0-9-]{1,36}$/),
  fc.constantFrom("a b/c+d=e&f?g#h", "ü/ö/ä~!'()*", "trailing/", "/leading", "dots/../and/./"),
)
/** Media types the upload schema lets through, blanks and parameters included. */
const mediaType = fc.oneof(
  fc.constantFrom("text/plain", "image/png", "application/octet-stream", "text/plain; charset=utf-8"),
  fc.constantFrom("text/plain ;  charset=utf-8", 'text/plain;\tcharset="a b"', "application/vnd.a+json"),
)
const sha256 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString("base64"))
const ttl = fc.integer({ min: 1, max: 604_800 })

describe("lean SigV4 presigner vs the AWS SDK", () => {
  it("presignPut: the same URL for any key, type, size, checksum, TTL and instant", async () => {
    await fc.assert(
      fc.asyncProperty(
        instant,
        objectKey,
        mediaType,
        fc.nat({ max: 5 * 1024 ** 3 }),
        fc.option(sha256, { nil: undefined }),
        ttl,
        async (now, key, contentType, size, checksum, expiresIn) => {
          vi.setSystemTime(now)
          const lean = await storage.presignPut({ key, contentType, size, sha256: checksum, expiresIn })
          const sdk = await getSignedUrl(
            sdkClient,
            new PutObjectCommand({
              Bucket,
              Key: key,
              ContentType: contentType,
              ContentLength: size,
              ChecksumSHA256: checksum,
              IfNoneMatch: "*",
            }),
            {
              expiresIn,
              signingDate: now,
              signableHeaders: new Set(["content-type", "content-length", "if-none-match"]),
              unhoistableHeaders: new Set(["x-amz-checksum-sha256"]),
            },
          )
          expect(lean.url).toBe(sdk)
          expect(lean.expiresAt.getTime()).toBe(now.getTime() + expiresIn * 1000)
        },
      ),
      { numRuns: 150 },
    )
  }, 120_000)

  it("presignPart: the same URL with and without a signed part size", async () => {
    await fc.assert(
      fc.asyncProperty(
        instant,
        objectKey,
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.option(fc.integer({ min: 0, max: 5 * 1024 ** 3 }), { nil: undefined }),
        ttl,
        async (now, key, uploadId, partNumber, size, expiresIn) => {
          vi.setSystemTime(now)
          const lean = await storage.presignPart({ key, uploadId, partNumber, size, expiresIn })
          const sdk = await getSignedUrl(
            sdkClient,
            new UploadPartCommand({
              Bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber: partNumber,
              ContentLength: size,
            }),
            {
              expiresIn,
              signingDate: now,
              ...(size === undefined ? {} : { signableHeaders: new Set(["content-length"]) }),
            },
          )
          expect(lean.url).toBe(sdk)
        },
      ),
      { numRuns: 150 },
    )
  }, 120_000)

  it("presignGet and presignPreview: the same URL for any display name and type", async () => {
    await fc.assert(
      fc.asyncProperty(
        instant,
        objectKey,
        fc.string({ minLength: 1, maxLength: 80, unit: "grapheme" }),
        mediaType,
        ttl,
        async (now, key, filename, contentType, expiresIn) => {
          vi.setSystemTime(now)
          const get = await storage.presignGet({ key, filename, contentType, expiresIn })
          const sdkGet = await getSignedUrl(
            sdkClient,
            new GetObjectCommand({
              Bucket,
              Key: key,
              ResponseContentDisposition: storage.attachmentDisposition(filename),
              ResponseContentType: storage.downloadContentType(contentType),
            }),
            { expiresIn, signingDate: now },
          )
          expect(get.url).toBe(sdkGet)
          const preview = await storage.presignPreview({ key, filename, contentType, expiresIn })
          const sdkPreview = await getSignedUrl(
            sdkClient,
            new GetObjectCommand({
              Bucket,
              Key: key,
              ResponseContentType: contentType,
              ResponseContentDisposition: storage.inlineDisposition(filename),
            }),
            { expiresIn, signingDate: now },
          )
          expect(preview.url).toBe(sdkPreview)
        },
      ),
      { numRuns: 100 },
    )
  }, 120_000)

  it("re-derives nothing wrong across days: URLs on either side of midnight both match", async () => {
    for (const now of [new Date("2026-11-29T23:59:59.999Z"), new Date("2026-11-30T00:00:00.000Z")]) {
      vi.setSystemTime(now)
      const lean = await storage.presignPart({ key: "u/a/b", uploadId: "x", partNumber: 1 })
      const sdk = await getSignedUrl(
        sdkClient,
        new UploadPartCommand({ Bucket, Key: "u/a/b", UploadId: "x", PartNumber: 1 }),
        { expiresIn: 900, signingDate: now },
      )
      expect(lean.url).toBe(sdk)
    }
  })
})
