import { type BodyCase, MISSING, TOO_BIG_INTEGERS, WRONG_TYPES, hostileNames } from "@/tests/support/bad-input/values"

/**
 * Bodies of the file and share routes: many files' download keys, a link to one file, to several,
 * its settings, and the admin's bulk revoke.
 */
/** What no list of ids (at most 100 of them, each at most 100 characters) may be. */
const BAD_ID_LISTS = [
  MISSING,
  ...WRONG_TYPES,
  "x",
  [],
  [1],
  [""],
  ["x".repeat(101)],
  Array.from({ length: 101 }, (_, index) => `id${index}`),
]

export async function shareBodyCases(): Promise<Record<string, BodyCase>> {
  const shares = await import("@/lib/shared/validations/shares")
  const adminSchemas = await import("@/lib/shared/validations/admin")
  const files = await import("@/lib/shared/validations/files")
  return {
    "POST files/download": {
      valid: { ids: ["no-such-file"] },
      schema: files.batchDownloadSchema,
      fields: {
        ids: [...BAD_ID_LISTS, ["x", "x"]],
      },
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
    "POST admin/shares/revoke": {
      valid: { ids: ["no-such-share"] },
      schema: adminSchemas.adminBulkRevokeSchema,
      fields: {
        ids: [...BAD_ID_LISTS, ["a\u0000b"], ["../x"], ["\u202e"]],
      },
      others: [{ body: { ids: ["no-such-share"] }, status: 404, code: "not_found" }],
    },
  }
}
