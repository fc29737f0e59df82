import { revokeShares } from "@/lib/admin"
import { requireAdmin } from "@/lib/auth"
import { handleApiError, readJson } from "@/lib/errors"
import { adminBulkRevokeSchema } from "@/lib/validations/admin"

// POST /api/admin/shares/revoke {ids} — revoke many links at once, all or nothing (admin)
export async function POST(request: Request) {
  try {
    const admin = await requireAdmin(request)
    const { ids } = adminBulkRevokeSchema.parse(await readJson(request))
    return Response.json({ revoked: await revokeShares(admin, ids) })
  } catch (error) {
    return handleApiError(error)
  }
}
