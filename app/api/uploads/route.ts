import { readJson } from "@/lib/errors"
import { routeWithUncheckedToken, type UncheckedToken } from "@/lib/route"
import type { AuthUser } from "@/lib/auth"
import { grantUpload, grantUploadForToken, grantUploads } from "@/lib/uploads"
import {
  BATCH_GRANT_BODY_MAX_BYTES,
  batchGrantSchema,
  isBatchGrant,
  uploadRequestSchema,
  type UploadRequest,
} from "@/lib/shared/validations/uploads"

const checked = (user: AuthUser | UncheckedToken) => (user.via === "unchecked-token" ? user.check() : user)

// POST /api/uploads — grant an upload: one presigned PUT, or a multipart upload to sign parts for.
// `{ files: [ … ] }` grants each of them: 200 with one result per item, in order.
// An API token is checked inside the grant's own statement (grantUploadForToken), so a token's
// single PUT costs one database round trip; a body that fails to parse answers only after the
// token was checked, so a wrong token is a 401 whatever it sent, as on every other route.
export const POST = routeWithUncheckedToken(async ({ request, user }) => {
  let body: unknown
  let single: UploadRequest | undefined
  try {
    body = await readJson(request, { maxBytes: BATCH_GRANT_BODY_MAX_BYTES })
    if (!isBatchGrant(body)) single = uploadRequestSchema.parse(body)
  } catch (error) {
    await checked(user)
    throw error
  }
  if (single && user.via === "unchecked-token") {
    return Response.json({ upload: await grantUploadForToken(user, single) }, { status: 201 })
  }
  const caller = await checked(user)
  if (!single) {
    const { files } = batchGrantSchema.parse(body)
    return Response.json({ results: await grantUploads(caller, files) })
  }
  return Response.json({ upload: await grantUpload(caller, single) }, { status: 201 })
})
