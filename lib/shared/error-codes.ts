/**
 * Every error code Valet answers with, and its HTTP status: the one catalogue. Routes throw
 * `new ApiError(code, message)` (lib/errors.ts) and the status comes from here; browser code
 * imports `ErrorCode` to match failures by a name the compiler checks. docs/design.md lists them
 * all (a test keeps the two in step).
 */
export const ERROR_CODES = {
  // 400: the request itself is wrong
  invalid_request: { status: 400, description: "The body or query failed validation; `issues` says where." },
  invalid_json: { status: 400, description: "The body is not valid JSON in UTF-8." },
  invalid_form: { status: 400, description: "The body is not a valid form." },
  empty_body: { status: 400, description: "The request needs a body." },
  invalid_part_number: { status: 400, description: "A part number is outside the upload's parts." },
  share_expiry_too_long: { status: 400, description: "The link's expiry is past the server's maximum." },
  webhook_url_forbidden: { status: 400, description: "The webhook URL is not http(s) or names an internal address." },
  invalid_link_token: {
    status: 400,
    description:
      "A mailed link's token (reset, verification, email change, invitation) is unknown, expired, used or tampered with; nothing changed.",
  },
  // 401: who is calling is unknown or not proven
  unauthorized: { status: 401, description: "No session and no API token." },
  invalid_token: {
    status: 401,
    description: "The API token is invalid, expired or revoked, or its account is disabled.",
  },
  session_revoked: { status: 401, description: "The session's account is disabled or gone, or the session was ended." },
  password_required: { status: 401, description: "The link has a password and none was sent." },
  wrong_password: { status: 401, description: "The link's password is not right." },
  invalid_upload_session: {
    status: 401,
    description:
      "The upload session is not for this link, has expired, was tampered with, or the link's password changed.",
  },
  invalid_otp: { status: 401, description: "The two-factor code is not right, or was already used." },
  // 403: known caller, not allowed
  forbidden: { status: 403, description: "Only administrators may do this." },
  cross_origin_request: { status: 403, description: "A cookie-authenticated change came from another origin." },
  registration_closed: { status: 403, description: "Self-registration is turned off." },
  quota_exceeded: { status: 403, description: "The upload would pass the owner's storage quota." },
  current_password_wrong: {
    status: 403,
    description: "The current password sent with a password or email change is not right.",
  },
  // 404, 409, 410: the resource's state
  not_found: { status: 404, description: "No such resource for this caller (another user's answers the same)." },
  conflict: { status: 409, description: "The resource already exists." },
  email_taken: { status: 409, description: "An account with this email exists." },
  last_admin: { status: 409, description: "The last active administrator cannot be disabled or demoted." },
  token_limit: { status: 409, description: "The account holds as many API tokens as it may." },
  totp_already_enabled: { status: 409, description: "Two-factor sign-in is already on; turn it off first." },
  totp_not_enrolled: { status: 409, description: "There is no two-factor enrolment to confirm or use." },
  webhook_limit: { status: 409, description: "The account holds as many webhooks as it may." },
  upload_not_open: { status: 409, description: "The upload was completed, cancelled or has expired." },
  upload_incomplete: { status: 409, description: "Storage does not hold every byte of the upload yet." },
  upload_completed: { status: 409, description: "The upload is already complete." },
  not_multipart: { status: 409, description: "The upload is a single PUT; it has no parts." },
  request_full: { status: 409, description: "The upload request has taken as many files as it may." },
  request_closed: { status: 410, description: "The upload request was closed or has expired." },
  share_revoked: { status: 410, description: "The link was revoked." },
  share_expired: { status: 410, description: "The link has expired." },
  share_used_up: { status: 410, description: "The link has reached its download limit." },
  no_preview: {
    status: 404,
    description: "The file's type is not shown inline (only images, mp4/webm, audio, PDF and text are).",
  },
  share_not_active: {
    status: 409,
    description: "Only a live link can be edited (it was revoked, has expired or is used up).",
  },
  share_has_many_files: {
    status: 409,
    description: "The one-file download route was called for a link holding several files.",
  },
  // 411-415: the body's size or kind
  length_required: { status: 411, description: "The request must declare its Content-Length." },
  file_too_large: { status: 413, description: "The file is larger than the server or the link allows." },
  request_total_exceeded: { status: 413, description: "The upload request's total size would be passed." },
  body_too_large: { status: 413, description: "The request body is larger than the route reads." },
  type_not_allowed: { status: 415, description: "The upload request does not accept this media type." },
  // 422, 429: refused after a check
  upload_mismatch: { status: 422, description: "Storage holds something other than what was granted; it was deleted." },
  rate_limited: { status: 429, description: "Too many requests; wait for Retry-After." },
  // 5xx: ours, or a service behind us
  internal_error: { status: 500, description: "An unexpected failure; the message carries a request id for the log." },
  database_unavailable: {
    status: 503,
    description: "PostgreSQL is unreachable or restarting; retry after Retry-After.",
  },
  storage_unavailable: { status: 503, description: "The storage server is unreachable; retry after Retry-After." },
  mail_unavailable: { status: 503, description: "This server has no SMTP_URL, so features that need mail are off." },
  unavailable: { status: 503, description: "Several services are unreachable (health check)." },
  busy: { status: 503, description: "Too many password checks run at once; retry after Retry-After." },
} as const satisfies Record<string, { status: number; description: string }>

export type ErrorCode = keyof typeof ERROR_CODES

export const errorStatus = (code: ErrorCode): number => ERROR_CODES[code].status

/** Whether a code read off the wire is one this build knows (a newer server may answer others). */
export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code)

/** The error body every Valet route answers with (its schema: lib/shared/wire/errors.ts). */
export type { ApiErrorBody } from "@/lib/shared/wire/errors"
