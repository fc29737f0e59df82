import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { completeUploads } from "@/lib/uploads"
import { batchCompleteSchema, COMPLETE_UPLOAD_BODY_MAX_BYTES } from "@/lib/shared/validations/uploads"

// POST /api/uploads/complete — verify and record many uploads: 200 with one result per item, in order
export const POST = route("user", async ({ request, user }) => {
  const { uploads } = batchCompleteSchema.parse(await readJson(request, { maxBytes: COMPLETE_UPLOAD_BODY_MAX_BYTES }))
  return Response.json({ results: await completeUploads(user, uploads) })
})
