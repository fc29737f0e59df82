import { readFile } from "node:fs/promises"
import path from "node:path"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import type { ZodType } from "zod"
import { API_DIR, apiRoutes, METHODS, type Method, type RouteHandler as Handler } from "@/tests/support/api-routes"
import { APP_ORIGIN, apiRequest, browserHeaders, captureLogs, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { objectPathOf, signedDispositionOf, STORED } from "@/tests/support/storage-profile"

/**
 * Bad input, every route: malformed JSON, wrong types, missing fields, huge bodies, hostile sizes,
 * names and ids, someone else's ids. Every answer must be a 4xx with a JSON `{ error: { code,
 * message } }` body — never a 500 — and afterwards the database rows and the bucket's objects are
 * exactly what they were. The routes are found on disk, so a new one is covered (or this file
 * fails until its body is described below).
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024
const MAX_FILE_SIZE = 64 * MIB
/** Property runs per property: enough to find what tables miss, bounded so the file stays quick. */
const RUNS = 50
/** Quick alone (~30 s for the file); generous because the machine running it may be busy. */
const SLOW_MACHINE_TIMEOUT = 240_000

/** Routes anyone may call with JSON: they check an Origin, a rate limit, or a mailed link's token. */
const PUBLIC_JSON_ROUTES = new Set([
  "register",
  "password-reset",
  "password-reset/confirm",
  "verify-email",
  "confirm-email",
  "invites/accept",
])

/** Routes whose input is not Valet's JSON: next-auth's own form posts, and a health probe and the API document with none. */
const NOT_JSON_ROUTES = new Set(["auth/[...nextauth]", "health", "openapi.json"])

type BodyReader = "required" | "optional" | "none"
type Endpoint = { route: string; method: Method; handler: Handler; reads: BodyReader; key: string }

/** Whether a handler reads a JSON body, read from its source: the exported function's own text. */
function bodyReaderOf(source: string, method: Method): BodyReader {
  // `export async function POST(` or, with lib/route.ts, `export const POST = route(`.
  const start = source.search(new RegExp(`export ((async )?function ${method}\\(|const ${method} = )`))
  if (start < 0) return "none"
  const next = source.slice(start + 1).search(/\nexport /)
  const text = next < 0 ? source.slice(start) : source.slice(start, start + 1 + next)
  if (text.includes("readOptionalJson(")) return "optional"
  return text.includes("readJson(") ? "required" : "none"
}

// ---------------------------------------------------------------- who calls, with which ids

type Fixture = {
  userId: string
  fileId: string
  shareId: string
  tokenId: string
  uploadId: string
  uploadRequestId: string
  requestToken: string
  requestUploadId: string
  webhookId: string
}

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let storage: typeof import("@/lib/storage")
let endpoints: Endpoint[]
let admin: { id: string }
let alice: Fixture
let bob: Fixture
const logged: string[] = []
let ipCounter = 0

/** A fresh client address per request, so per-IP rate limits never mask what is being tested. */
const nextIp = () => {
  ipCounter += 1
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`
}

/** The resource an `[id]` names, by the folder in front of it. */
const RESOURCE_OF: Record<string, keyof Fixture> = {
  uploads: "uploadId",
  files: "fileId",
  shares: "shareId",
  tokens: "tokenId",
  "upload-requests": "uploadRequestId",
  webhooks: "webhookId",
  users: "userId",
}

function idFieldOf(route: string): keyof Fixture {
  if (route.startsWith("r/[token]/")) return "requestUploadId"
  const folder = route.split("/[id]")[0]?.split("/").at(-1) ?? ""
  const field = RESOURCE_OF[folder]
  if (!field) throw new Error(`bad-input.test.ts: say in RESOURCE_OF which resource /api/${route} names`)
  return field
}

/** Path parameters naming `whose` resources (or the given override for one of them). */
function paramsFor(
  route: string,
  whose: Fixture,
  override: Partial<Record<string, string>> = {},
): Record<string, string> {
  const params: Record<string, string> = {}
  for (const [, name] of route.matchAll(/\[(\w+)\]/g)) {
    if (!name) continue
    params[name] = override[name] ?? (name === "token" ? whose.requestToken : whose[idFieldOf(route)])
  }
  return params
}

const hasParams = (route: string) => /\[\w+\]/.test(route)

/** Who may call the route at all: its admin, its link holder, anyone (register), or the owner. */
async function identityHeaders(route: string): Promise<Record<string, string>> {
  if (route.startsWith("admin/")) return sessionOf(admin.id)
  if (route.startsWith("r/")) return { "x-forwarded-for": nextIp() }
  if (PUBLIC_JSON_ROUTES.has(route)) return { origin: APP_ORIGIN, "x-forwarded-for": nextIp() }
  return sessionOf(alice.userId)
}

const sessions = new Map<string, Promise<Record<string, string>>>()
/** A session cookie per user, minted once: encrypting one per request would dominate the run time. */
function sessionOf(userId: string) {
  const cached = sessions.get(userId) ?? browserHeaders(userId)
  sessions.set(userId, cached)
  return cached
}

type CallOptions = {
  params?: Record<string, string>
  body?: unknown
  rawBody?: BodyInit
  headers?: Record<string, string>
  search?: string
}

async function call(endpoint: Endpoint, options: CallOptions = {}): Promise<Response> {
  const params = options.params ?? paramsFor(endpoint.route, alice)
  // The URL is only for show (handlers read params); an unpaired surrogate cannot be percent-encoded.
  const encode = (value: string) => (value.isWellFormed() ? encodeURIComponent(value) : "%EF%BF%BD")
  const pathname = `/api/${endpoint.route.replace(/\[(\w+)\]/g, (_, name: string) => encode(params[name] ?? ""))}`
  // Credentials given by the caller replace the route's usual ones (seeding acts as each owner).
  const hasCredentials =
    options.headers !== undefined && ("cookie" in options.headers || "authorization" in options.headers)
  const headers = { ...(hasCredentials ? {} : await identityHeaders(endpoint.route)), ...options.headers }
  const url = `${pathname}${options.search ?? ""}`
  let request: Request
  if (options.rawBody !== undefined && typeof options.rawBody !== "string") {
    const isStream = options.rawBody instanceof ReadableStream
    request = new Request(new URL(url, APP_ORIGIN), {
      method: endpoint.method,
      headers: { "content-type": "application/json", ...headers },
      body: options.rawBody,
      ...(isStream ? { duplex: "half" } : {}),
    } as RequestInit)
  } else {
    request = apiRequest(endpoint.method, url, {
      headers,
      body: options.body,
      rawBody: options.rawBody as string | undefined,
    })
  }
  return endpoint.handler(request, { params: Promise.resolve(params) })
}

const endpoint = (key: string) => {
  const found = endpoints.find((candidate) => candidate.key === key)
  if (!found) throw new Error(`no endpoint ${key}`)
  return found
}

// ---------------------------------------------------------------- what "nothing changed" means

type Snapshot = { rows: Record<string, number>; digests: Record<string, string>; objects: number }

/**
 * Every table's row count and a digest of its content (so an update shows too), and the objects
 * under this file's users' prefixes (other test files share the bucket). RateLimit is left out on
 * purpose: a refused request still counts against its limit, by design.
 */
async function snapshot(): Promise<Snapshot> {
  const tables = await query<{ name: string }>(
    database.url,
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('_prisma_migrations', 'RateLimit') ORDER BY 1`,
  )
  const rows: Record<string, number> = {}
  const digests: Record<string, string> = {}
  for (const { name } of tables) {
    const [row] = await query<{ count: string; digest: string }>(
      database.url,
      `SELECT count(*) AS count, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest FROM "${name}" t`,
    )
    rows[name] = Number(row?.count)
    digests[name] = row?.digest ?? ""
  }
  let objects = 0
  for (const userId of [admin.id, alice.userId, bob.userId]) {
    for await (const page of storage.listObjects(`u/${userId}/`)) objects += page.length
  }
  return { rows, digests, objects }
}

/** Runs `work`, then checks that no row and no object appeared, vanished or changed. */
async function expectNothingChanged(work: () => Promise<void>) {
  const before = await snapshot()
  expect(Object.keys(before.rows)).toEqual(
    expect.arrayContaining(["User", "Upload", "File", "Share", "ApiToken", "AuditEvent", "UploadRequest"]),
  )
  await work()
  expect(await snapshot()).toEqual(before)
}

/** A refusal as the API promises it: 4xx (one of `expected` if given), JSON `{ error: { code, message } }`. */
async function expectRefused(response: Response, label: string, expected?: number | number[]) {
  const text = await response.text()
  const detail = `${label} → ${response.status} ${text.slice(0, 300)}`
  expect(response.status, detail).toBeGreaterThanOrEqual(400)
  expect(response.status, detail).toBeLessThan(500)
  if (expected !== undefined) expect([expected].flat(), detail).toContain(response.status)
  expect(response.headers.get("content-type"), detail).toMatch(/^application\/json/)
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }
  expect(body.error?.code, detail).toEqual(expect.stringMatching(/^[a-z_]+$/))
  expect(body.error?.message, detail).toEqual(expect.any(String))
  expect(String(body.error?.message).length, detail).toBeGreaterThan(0)
  return body.error as { code: string; message: string }
}

// ---------------------------------------------------------------- bodies, per endpoint

/** `raw(text)`: sent verbatim inside the JSON (numbers JSON.stringify would round, NaN, …). */
const RAW = Symbol("raw")
type Raw = { [RAW]: string }
const raw = (text: string): Raw => ({ [RAW]: text })
const isRaw = (value: unknown): value is Raw => typeof value === "object" && value !== null && RAW in value
/** Marks a field to leave out of the body. */
const MISSING = Symbol("missing")

/** The body as JSON text, with raw values spliced in. */
function bodyText(body: Record<string, unknown>): string {
  const raws: string[] = []
  const json = JSON.stringify(body, (_, value: unknown) => {
    if (value === MISSING) return undefined
    if (isRaw(value)) {
      raws.push(value[RAW])
      return `\u0000raw${raws.length - 1}\u0000`
    }
    return value
  })
  return json.replace(/"\\u0000raw(\d+)\\u0000"/g, (_, index: string) => raws[Number(index)] ?? "null")
}

/** Characters a display name must not hold: they hide, reorder or break what people read. */
const FORBIDDEN_IN_NAMES = [
  "\u0000", // NUL
  "\u0001",
  "\u0007", // bell
  "\u001b", // escape (terminal colours in logs)
  "\n",
  "\r",
  "\t",
  "\u007f", // DEL
  "\u0080", // C1 controls
  "\u0085",
  "\u009b",
  "\u202a", // bidi embeddings and overrides
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e", // RIGHT-TO-LEFT OVERRIDE: "invoice\u202Efdp.exe" reads as "invoiceexe.pdf"
  "\u2066", // bidi isolates
  "\u2067",
  "\u2068",
  "\u2069",
  "\u2028", // line and paragraph separators
  "\u2029",
  "\ud800", // a lone surrogate: not Unicode text at all
  "\udfff",
]
/** One of each kind of forbidden character, inside a valid name (the properties below try them all). */
const hostileNames = (valid: string) => [
  ...["\u0000", "\u001b", "\n", "\u007f", "\u0085", "\u202e", "\u2067", "\u2028", "\ud800"].map(
    (char) => `${valid.slice(0, 2)}${char}${valid.slice(2)}`,
  ),
  "invoice\u202Efdp.exe",
]

const WRONG_TYPES = [null, 42, true, [], {}]
const NOT_NUMBERS = [null, "x", true, [], {}]
const TOO_BIG_INTEGERS = [
  raw("9223372036854775808"),
  raw("9223372036854775807"),
  raw("-9223372036854775809"),
  2 ** 53,
  1e308,
  raw("1e400"),
]
const NOT_WHOLE = [1.5, -0.5, 1e-300, "1", "", raw("-0.0000001")]

type BodyCase = {
  /** A body that passes validation: sent with ids that name nothing, or to show one field is the problem. */
  valid: Record<string, unknown>
  /** The route's zod schema, so generated bodies know whether they are bad. */
  schema: ZodType
  /** Per field, values that must be refused with 400 (or the status given with `status`). */
  fields: Record<string, unknown[]>
  /** Whole bodies refused with another 4xx than 400 (limits, conflicts). */
  others?: { body: Record<string, unknown>; status: number; code: string }[]
}

let BODY_CASES: Record<string, BodyCase>

async function loadBodyCases(): Promise<Record<string, BodyCase>> {
  const uploads = await import("@/lib/shared/validations/uploads")
  const auth = await import("@/lib/shared/validations/auth")
  const shares = await import("@/lib/shared/validations/shares")
  const requests = await import("@/lib/shared/validations/upload-requests")
  const adminSchemas = await import("@/lib/shared/validations/admin")
  const accountSchemas = await import("@/lib/shared/validations/account")
  const notifications = await import("@/lib/shared/validations/notifications")

  const grant: BodyCase = {
    valid: { name: "report.pdf", size: 1000, type: "application/pdf" },
    schema: uploads.uploadRequestSchema,
    fields: {
      name: [MISSING, ...WRONG_TYPES, "", "   ", "x".repeat(256), ...hostileNames("report.pdf")],
      size: [MISSING, ...NOT_NUMBERS, -1, -(2 ** 53), raw("-0.5"), ...TOO_BIG_INTEGERS, ...NOT_WHOLE, "1000", "NaN"],
      type: [
        42,
        [],
        "not a type",
        "text/html\r\nx-evil: 1",
        "text/plain\n; charset=utf-8",
        'text/plain; a="\u0000"',
        'text/plain; a="\u00e9"',
        'text/plain; a="😀"',
        "text/plain\u00a0; a=b",
        "a".repeat(300),
        "image/png\u0000",
      ],
      sha256: [42, "", "abc", "x".repeat(44), `${"A".repeat(43)}=\n`],
    },
    others: [
      { body: { name: "big.bin", size: MAX_FILE_SIZE + 1 }, status: 413, code: "file_too_large" },
      { body: { name: "huge.bin", size: Number.MAX_SAFE_INTEGER }, status: 413, code: "file_too_large" },
    ],
  }
  const parts: BodyCase = {
    valid: { partNumbers: [1] },
    schema: uploads.signPartsSchema,
    fields: {
      partNumbers: [
        MISSING,
        ...WRONG_TYPES,
        "1",
        [0],
        [-1],
        [1.5],
        ["1"],
        [null],
        [1, 1],
        [raw("9223372036854775808")],
        [99_999],
        Array.from({ length: 101 }, (_, index) => index + 1),
      ],
    },
  }
  const complete: BodyCase = {
    valid: {},
    schema: uploads.completeUploadSchema,
    fields: {
      parts: [
        null,
        "x",
        42,
        {},
        [null],
        [{}],
        [{ partNumber: 0, etag: "e" }],
        [{ partNumber: -1, etag: "e" }],
        [{ partNumber: 1.5, etag: "e" }],
        [{ partNumber: 1, etag: "" }],
        [{ partNumber: 1, etag: 7 }],
        [{ partNumber: 1, etag: "x".repeat(201) }],
        [{ partNumber: raw("9223372036854775808"), etag: "e" }],
      ],
    },
  }
  const account: BodyCase = {
    valid: { email: "newcomer@example.com", password: "perfectly-fine-9" },
    schema: auth.registerSchema,
    fields: {
      email: [
        MISSING,
        ...WRONG_TYPES,
        "",
        "not-an-email",
        "a@b\u0000.com",
        "a\u202e@example.com",
        `${"x".repeat(300)}@example.com`,
      ],
      password: [MISSING, ...WRONG_TYPES, "", "short", "x".repeat(257), "password123", 12_345_678],
      name: [42, [], "x".repeat(101), ...hostileNames("Ada Lovelace")],
    },
    others: [{ body: { email: "alice@example.com", password: "perfectly-fine-9" }, status: 409, code: "email_taken" }],
  }
  const badEmails = [MISSING, ...WRONG_TYPES, "", "not-an-email", "a@b\u0000.com", `${"x".repeat(300)}@example.com`]
  const badPasswords = [MISSING, ...WRONG_TYPES, "", "short", "x".repeat(257), "password123"]
  const badTokens = [MISSING, ...WRONG_TYPES, "", "x".repeat(201)]
  // Well-formed tokens that name nothing: whatever else is wrong, nothing can change.
  const passwordLink: BodyCase = {
    valid: { token: "A".repeat(43), password: "perfectly-fine-9" },
    schema: accountSchemas.passwordLinkSchema,
    fields: { token: badTokens, password: badPasswords },
    others: [
      { body: { token: "A".repeat(43), password: "perfectly-fine-9" }, status: 400, code: "invalid_link_token" },
    ],
  }
  const linkToken: BodyCase = {
    valid: { token: "A".repeat(43) },
    schema: accountSchemas.linkTokenSchema,
    fields: { token: badTokens },
    others: [{ body: { token: "A".repeat(43) }, status: 400, code: "invalid_link_token" }],
  }
  return {
    "POST password-reset": {
      valid: { email: "nobody@example.com" },
      schema: accountSchemas.passwordResetRequestSchema,
      fields: { email: badEmails },
    },
    "POST password-reset/confirm": passwordLink,
    "POST invites/accept": passwordLink,
    "POST verify-email": linkToken,
    "POST confirm-email": linkToken,
    "PATCH account": {
      valid: { name: "Alice" },
      schema: accountSchemas.updateAccountSchema,
      fields: { name: [MISSING, 42, [], "x".repeat(101), ...hostileNames("Alice")] },
    },
    "POST account/password": {
      valid: { currentPassword: "not-the-password", newPassword: "perfectly-fine-9" },
      schema: accountSchemas.changePasswordSchema,
      fields: { currentPassword: [MISSING, ...WRONG_TYPES, "", "x".repeat(257)], newPassword: badPasswords },
      others: [
        {
          body: { currentPassword: "not-the-password", newPassword: "perfectly-fine-9" },
          status: 403,
          code: "current_password_wrong",
        },
      ],
    },
    "POST account/email": {
      valid: { email: "elsewhere@example.com", currentPassword: "not-the-password" },
      schema: accountSchemas.changeEmailSchema,
      fields: { email: badEmails, currentPassword: [...WRONG_TYPES, "", "x".repeat(257)] },
      others: [
        {
          body: { email: "elsewhere@example.com", currentPassword: "not-the-password" },
          status: 403,
          code: "current_password_wrong",
        },
      ],
    },
    "POST account/totp/confirm": {
      valid: { code: "123456" },
      schema: accountSchemas.totpCodeSchema,
      fields: { code: [MISSING, ...WRONG_TYPES, "", "12345", "1234567", "abcdef", 123456] },
      others: [{ body: { code: "123456" }, status: 409, code: "totp_not_enrolled" }],
    },
    "DELETE account/totp": {
      valid: { currentPassword: "not-the-password" },
      schema: accountSchemas.disableTotpSchema,
      fields: { currentPassword: [MISSING, ...WRONG_TYPES, "", "x".repeat(257)] },
      others: [{ body: { currentPassword: "not-the-password" }, status: 403, code: "current_password_wrong" }],
    },
    "POST admin/invites": {
      valid: { email: "invitee@example.com" },
      schema: accountSchemas.inviteUserSchema,
      fields: { email: badEmails, name: [42, [], "x".repeat(101), ...hostileNames("Guest")] },
      others: [{ body: { email: "alice@example.com" }, status: 409, code: "email_taken" }],
    },
    "POST uploads": grant,
    "POST r/[token]/uploads": grant,
    "POST uploads/[id]/parts": parts,
    "POST r/[token]/uploads/[id]/parts": parts,
    "POST uploads/[id]/complete": complete,
    "POST uploads/complete": {
      valid: { uploads: [{ id: "no-such-upload" }] },
      schema: uploads.batchCompleteSchema,
      fields: {
        uploads: [
          MISSING,
          ...WRONG_TYPES,
          [],
          [{}],
          [{ id: "" }],
          [{ id: "a" }, { id: "a" }],
          [{ id: "a", parts: [{ partNumber: 0, etag: "e" }] }],
          Array.from({ length: 101 }, (_, index) => ({ id: `u${index}` })),
        ],
      },
    },
    "POST r/[token]/uploads/[id]/complete": complete,
    "POST r/[token]/session": {
      valid: { password: "whatever it is" },
      schema: requests.unlockUploadRequestSchema,
      fields: { password: [MISSING, ...WRONG_TYPES, "x".repeat(257)] },
    },
    "POST files/[id]/shares": {
      valid: {},
      schema: shares.createShareSchema,
      fields: {
        expiresIn: ["60", 59, 0, -1, 1.5, true, [], 10 * 366 * 24 * 3600, ...TOO_BIG_INTEGERS],
        maxDownloads: ["5", 0, -1, 1.5, 1_000_001, ...TOO_BIG_INTEGERS],
        password: [1234, [], "abc", "x".repeat(257)],
      },
    },
    "POST shares": {
      valid: { fileIds: ["no-such-file"] },
      schema: shares.createMultiShareSchema,
      fields: {
        fileIds: [
          MISSING,
          ...WRONG_TYPES,
          "x",
          [],
          [1],
          [""],
          ["a\u0000b"],
          ["../x"],
          ["x", "x"],
          Array.from({ length: 501 }, (_, index) => `id${index}`),
        ],
        title: [42, [], "x".repeat(121), ...hostileNames("Holiday photos")],
        message: [42, [], "x".repeat(2001)],
        expiresIn: ["60", 59, 0, 1.5, ...TOO_BIG_INTEGERS],
        maxDownloads: ["5", 0, -1, 1_000_001],
        password: [1234, "abc", "x".repeat(257)],
      },
      others: [{ body: { fileIds: ["no-such-file"] }, status: 404, code: "not_found" }],
    },
    "POST webhooks": {
      valid: { url: "https://example.com/hook", events: ["share.created"] },
      schema: notifications.createWebhookSchema,
      fields: {
        url: [MISSING, ...WRONG_TYPES, "", "x".repeat(2001)],
        events: [MISSING, ...WRONG_TYPES, [], ["share.exploded"], [1]],
        sneaky: [1, "x"],
      },
      others: [
        {
          body: { url: "http://169.254.169.254/latest", events: ["share.created"] },
          status: 400,
          code: "webhook_url_forbidden",
        },
      ],
    },
    "PATCH account/notifications": {
      valid: { notifyDownloads: false },
      schema: notifications.notificationSettingsSchema,
      fields: {
        notifyDownloads: ["yes", 1, [], null],
        notifyUploadRequests: ["true", 0],
        notifyExpiry: [{}, "false"],
        sneaky: [1],
      },
    },
    "PATCH shares/[id]/notifications": {
      valid: { notifyDownloads: false },
      schema: notifications.shareNotificationsSchema,
      fields: { notifyDownloads: ["yes", 1, [], null], notifyExpiry: [{}, "false"], sneaky: [1] },
    },
    "POST shares/[id]/recipients": {
      valid: { recipients: ["someone@example.com"] },
      schema: notifications.sendShareRecipientsSchema,
      fields: {
        recipients: [
          MISSING,
          [],
          42,
          "someone@example.com",
          {},
          ["not-an-address"],
          [1],
          Array.from({ length: 21 }, (_, index) => `r${index}@example.com`),
        ],
        recipientMessage: [42, [], "x".repeat(1001), "a\u202eb"],
      },
    },
    "PATCH shares/[id]": {
      valid: { title: "Renamed" },
      schema: shares.updateShareSchema,
      fields: {
        title: [42, [], "x".repeat(121), ...hostileNames("Holiday photos")],
        message: [42, [], "x".repeat(2001)],
        expiresIn: ["60", 59, 0, 1.5, ...TOO_BIG_INTEGERS],
        maxDownloads: ["5", 0, -1, 1_000_001],
        password: [1234, "abc", "", "x".repeat(257)],
        sneaky: [1, "x"],
      },
    },
    "POST tokens": {
      valid: { name: "ci" },
      schema: auth.createApiTokenSchema,
      fields: {
        name: [MISSING, ...WRONG_TYPES, "", "   ", "x".repeat(101), ...hostileNames("deploy bot")],
        expiresInDays: ["30", 0, -1, 366, 1.5, true, ...TOO_BIG_INTEGERS],
      },
    },
    "POST upload-requests": {
      valid: { title: "Send me your slides" },
      schema: requests.createUploadRequestSchema,
      fields: {
        title: [MISSING, ...WRONG_TYPES, "", "   ", "x".repeat(121), ...hostileNames("Slides")],
        // A message may span lines; every other control or bidi character is still refused.
        message: [42, [], "x".repeat(2001), ...hostileNames("Thanks!").filter((text) => !/[\n\r\t]/.test(text))],
        expiresIn: ["60", 59, 0, -1, 1.5, 90 * 24 * 3600 + 1, ...TOO_BIG_INTEGERS],
        maxFiles: ["10", 0, -1, 1001, 1.5, ...TOO_BIG_INTEGERS],
        maxFileSize: ["1", 0, -1, 1.5, ...TOO_BIG_INTEGERS],
        maxTotalSize: ["1", 0, -1, 1.5, ...TOO_BIG_INTEGERS],
        allowedTypes: [
          "image/*",
          [1],
          [null],
          ["not a type"],
          ["image/png\u0000"],
          ["image/png\r\nx: y"],
          Array.from({ length: 21 }, () => "image/png"),
        ],
        password: [1234, "abc", "x".repeat(257)],
      },
    },
    "POST register": account,
    "POST admin/users": account,
    "PATCH admin/users/[id]": {
      valid: { disabled: false },
      schema: adminSchemas.adminUpdateUserSchema,
      fields: {
        disabled: [MISSING, null, "true", 1, []],
        role: ["ROOT", "admin", 1, null],
        quotaBytes: ["1", -1, 1.5, 2 ** 50 + 1, ...TOO_BIG_INTEGERS],
        sneaky: [1, "x"],
      },
    },
    "POST admin/shares/revoke": {
      valid: { ids: ["no-such-share"] },
      schema: adminSchemas.adminBulkRevokeSchema,
      fields: {
        ids: [
          MISSING,
          ...WRONG_TYPES,
          "x",
          [],
          [1],
          [""],
          ["x".repeat(101)],
          ["a\u0000b"],
          ["../x"],
          ["\u202e"],
          Array.from({ length: 101 }, (_, index) => `id${index}`),
        ],
      },
      others: [{ body: { ids: ["no-such-share"] }, status: 404, code: "not_found" }],
    },
  }
}

const withField = (valid: Record<string, unknown>, field: string, value: unknown) => ({ ...valid, [field]: value })

/** How a test names a value: short, printable (control characters as \uXXXX). */
const show = (value: unknown) => {
  if (value === MISSING) return "(missing)"
  const text = isRaw(value) ? value[RAW] : (JSON.stringify(value) ?? String(value))
  return (text.length > 60 ? `${text.slice(0, 60)}…(${text.length})` : text).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  )
}

// ---------------------------------------------------------------- ids that are not ids

const hostileIds = (own: string) => [
  "",
  `${own}\u0000`,
  `../${own}`,
  `${own}%00`,
  `\u202e${own}`,
  `${own} `,
  own.toUpperCase(),
  "x".repeat(5000),
  "\ud800",
  "' OR '1'='1",
]

// ---------------------------------------------------------------- setup

async function ok<T>(response: Response, status: number): Promise<T> {
  const text = await response.text()
  expect(response.status, text).toBe(status)
  return JSON.parse(text) as T
}

/** A user with one of everything: a stored file, a link to it, a token, an upload request, uploads in flight. */
async function seed(email: string): Promise<Fixture> {
  const { registerUser } = await import("@/lib/accounts")
  const user = await registerUser({ email, password: "perfectly-fine-1" })
  const headers = await browserHeaders(user.id)
  const as = (key: string, options: CallOptions) =>
    call(endpoint(key), { ...options, headers: { ...headers, ...options.headers } })

  const small = (
    await ok<{ upload: { id: string; url: string; headers: Record<string, string> } }>(
      await as("POST uploads", { body: { name: "seed.txt", size: 5, type: "text/plain" } }),
      201,
    )
  ).upload
  const put = await fetch(small.url, { method: "PUT", body: "hello", headers: small.headers })
  expect(put.status).toBe(STORED)
  const { file } = await ok<{ file: { id: string } }>(
    await as("POST uploads/[id]/complete", { params: { id: small.id } }),
    201,
  )
  const { share } = await ok<{ share: { id: string } }>(
    await as("POST files/[id]/shares", { params: { id: file.id }, body: {} }),
    201,
  )
  const { token } = await ok<{ token: { id: string } }>(await as("POST tokens", { body: { name: "seed" } }), 201)
  const { uploadRequest } = await ok<{ uploadRequest: { id: string; url: string } }>(
    await as("POST upload-requests", { body: { title: "seed" } }),
    201,
  )
  const requestToken = new URL(uploadRequest.url).pathname.split("/")[2] ?? ""
  // Multipart uploads in flight: no object exists until they complete.
  const pending = (
    await ok<{ upload: { id: string } }>(await as("POST uploads", { body: { name: "big.bin", size: 6 * MIB } }), 201)
  ).upload
  const sent = (
    await ok<{ upload: { id: string } }>(
      await call(endpoint("POST r/[token]/uploads"), {
        params: { token: requestToken },
        body: { name: "sent.bin", size: 6 * MIB },
      }),
      201,
    )
  ).upload
  const { webhook } = await ok<{ webhook: { id: string } }>(
    await as("POST webhooks", { body: { url: "https://example.com/hook", events: ["share.created"] } }),
    201,
  )
  return {
    userId: user.id,
    fileId: file.id,
    shareId: share.id,
    tokenId: token.id,
    uploadId: pending.id,
    uploadRequestId: uploadRequest.id,
    requestToken,
    requestUploadId: sent.id,
    webhookId: webhook.id,
  }
}

beforeAll(async () => {
  database = await useFreshDatabase({
    MAX_FILE_SIZE_BYTES: String(MAX_FILE_SIZE),
    USER_QUOTA_BYTES: String(1024 * MIB),
    MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
    MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
  })
  captureLogs(logged)
  storage = await import("@/lib/storage")
  const routes = await apiRoutes()
  endpoints = (
    await Promise.all(
      routes
        .filter((route) => !NOT_JSON_ROUTES.has(route))
        .map(async (route) => {
          const source = await readFile(path.join(API_DIR, route, "route.ts"), "utf8")
          const routeModule = (await import(/* @vite-ignore */ `@/app/api/${route}/route`)) as Partial<
            Record<string, Handler>
          >
          return METHODS.flatMap((method) => {
            const handler = routeModule[method]
            return handler
              ? [{ route, method, handler, reads: bodyReaderOf(source, method), key: `${method} ${route}` }]
              : []
          })
        }),
    )
  ).flat()
  BODY_CASES = await loadBodyCases()
  const { registerUser } = await import("@/lib/accounts")
  admin = await registerUser({ email: "admin@example.com", password: "perfectly-fine-0" }) // the first account: admin
  alice = await seed("alice@example.com")
  bob = await seed("bob@example.com")
}, 120_000)

afterAll(async () => {
  // The multipart uploads in flight hold parts in storage; give them back.
  for (const fixture of [alice, bob].filter(Boolean)) {
    await call(endpoint("DELETE uploads/[id]"), {
      params: { id: fixture.uploadId },
      headers: await browserHeaders(fixture.userId),
    }).catch(() => undefined)
    await call(endpoint("DELETE r/[token]/uploads/[id]"), {
      params: { token: fixture.requestToken, id: fixture.requestUploadId },
    }).catch(() => undefined)
  }
  vi.restoreAllMocks()
  await database.cleanUp()
})

const bodyEndpoints = () => endpoints.filter((candidate) => candidate.reads !== "none")

// ---------------------------------------------------------------- the tests

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
        // POST uploads also takes a batch of up to 100 files (BATCH_GRANT_BODY_MAX_BYTES).
        const limit = candidate.route.endsWith("/complete")
          ? 2 * MIB
          : candidate.key === "POST uploads"
            ? 256 * 1024
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
})

describe(`bad input, generated (${PROFILE} storage)`, { timeout: SLOW_MACHINE_TIMEOUT }, () => {
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

describe(`names that look like paths are only names (${PROFILE} storage)`, { timeout: SLOW_MACHINE_TIMEOUT }, () => {
  it("keeps ../ and backslashes as a display name: the key is server-minted and the download saves a plain file name", async () => {
    const headers = await browserHeaders(alice.userId)
    for (const name of ["../../etc/passwd", "..\\..\\boot.ini", "/absolute/path.txt", "עברית.txt", "résumé 📄.pdf"]) {
      const data = "just text"
      const grant = (
        await ok<{ upload: { id: string; url: string; headers: Record<string, string> } }>(
          await call(endpoint("POST uploads"), { headers, body: { name, size: data.length, type: "text/plain" } }),
          201,
        )
      ).upload
      expect(new URL(grant.url).pathname, name).toBe(objectPathOf(`u/${alice.userId}/${grant.id}`))
      expect((await fetch(grant.url, { method: "PUT", body: data, headers: grant.headers })).status).toBe(STORED)
      const { file } = await ok<{ file: { id: string; name: string } }>(
        await call(endpoint("POST uploads/[id]/complete"), { headers, params: { id: grant.id } }),
        201,
      )
      expect(file.name).toBe(name)

      const download = await call(endpoint("GET files/[id]/download"), { headers, params: { id: file.id } })
      expect(download.status).toBe(302)
      const disposition = signedDispositionOf(download.headers.get("location") ?? "")
      expect(disposition, name).toMatch(/^attachment; filename="[^"/\\]*"/)
      expect(disposition, name).not.toMatch(/[/\\]/)
      const stored = await fetch(download.headers.get("location") ?? "")
      expect(await stored.text()).toBe(data)

      expect((await call(endpoint("DELETE files/[id]"), { headers, params: { id: file.id } })).status).toBe(204)
    }
  })
})
