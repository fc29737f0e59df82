import type { Operation } from "@/lib/shared/wire/common"
import { ACCOUNT_OPERATIONS, TOKEN_OPERATIONS } from "@/lib/shared/wire/account"
import { ADMIN_OPERATIONS } from "@/lib/shared/wire/admin"
import { FILE_OPERATIONS } from "@/lib/shared/wire/files"
import { SHARE_LINK_OPERATIONS, SHARE_OPERATIONS } from "@/lib/shared/wire/shares"
import { SYSTEM_OPERATIONS } from "@/lib/shared/wire/system"
import { UPLOAD_REQUEST_OPERATIONS, UPLOAD_REQUEST_SENDER_OPERATIONS } from "@/lib/shared/wire/upload-requests"
import { UPLOAD_OPERATIONS } from "@/lib/shared/wire/uploads"
import { WEBHOOK_OPERATIONS } from "@/lib/shared/wire/webhooks"

/**
 * Every documented route and method, by area, in the order the docs show them. A route is
 * registered with one `api(…)` line in its area's file, next to the schemas it answers with;
 * tests/unit/openapi-routes.test.ts fails when a route on disk is missing here or the other way round.
 */
export const OPERATIONS: Operation[] = [
  ...ACCOUNT_OPERATIONS,
  ...TOKEN_OPERATIONS,
  ...UPLOAD_OPERATIONS,
  ...FILE_OPERATIONS,
  ...SHARE_OPERATIONS,
  ...SHARE_LINK_OPERATIONS,
  ...UPLOAD_REQUEST_OPERATIONS,
  ...UPLOAD_REQUEST_SENDER_OPERATIONS,
  ...WEBHOOK_OPERATIONS,
  ...ADMIN_OPERATIONS,
  ...SYSTEM_OPERATIONS,
]

/** Routes on disk the document leaves out, with the reason (the route test reads this list). */
export const UNDOCUMENTED_ROUTES: Record<string, string> = {
  "/api/auth/{nextauth}":
    "next-auth's own endpoints (CSRF token, credential and OIDC callbacks, session, sign-out): their forms, " +
    "cookies and redirects are next-auth's protocol, not Valet's API; scripts authenticate with an API token instead.",
}

/** One operation by method and OpenAPI path, for the contract checks of real responses. */
export function findOperation(method: string, path: string): Operation | undefined {
  return OPERATIONS.find((operation) => operation.method === method && operation.path === path)
}
