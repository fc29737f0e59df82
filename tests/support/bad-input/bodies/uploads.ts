import {
  type BodyCase,
  MAX_FILE_SIZE,
  MISSING,
  NOT_NUMBERS,
  NOT_WHOLE,
  TOO_BIG_INTEGERS,
  WRONG_TYPES,
  hostileNames,
  raw,
} from "@/tests/support/bad-input/values"

/** Bodies of the upload routes, the owner's and the link holder's (one schema, so one table), and of upload requests. */
export async function uploadBodyCases(): Promise<Record<string, BodyCase>> {
  const uploads = await import("@/lib/shared/validations/uploads")
  const requests = await import("@/lib/shared/validations/upload-requests")
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
  return {
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
  }
}
