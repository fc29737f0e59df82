import { revokeShares } from "@/lib/admin/shares"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { adminBulkRevokeSchema } from "@/lib/shared/validations/admin"

// POST /api/admin/shares/revoke {ids} — revoke many links at once, all or nothing (admin)
export const POST = route("admin", async ({ request, user }) => {
  const { ids } = adminBulkRevokeSchema.parse(await readJson(request))
  return Response.json({ revoked: await revokeShares(user, ids) })
})
