import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { grantUpload, grantUploads } from "@/lib/uploads"
import {
  BATCH_GRANT_BODY_MAX_BYTES,
  batchGrantSchema,
  isBatchGrant,
  uploadRequestSchema,
} from "@/lib/shared/validations/uploads"

// POST /api/uploads — grant an upload: one presigned PUT, or a multipart upload to sign parts for.
// `{ files: [ … ] }` grants each of them: 200 with one result per item, in order.
export const POST = route("user", async ({ request, user }) => {
  const body = await readJson(request, { maxBytes: BATCH_GRANT_BODY_MAX_BYTES })
  if (isBatchGrant(body)) {
    const { files } = batchGrantSchema.parse(body)
    return Response.json({ results: await grantUploads(user, files) })
  }
  const upload = await grantUpload(user, uploadRequestSchema.parse(body))
  return Response.json({ upload }, { status: 201 })
})
