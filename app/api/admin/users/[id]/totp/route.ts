import { recordAdminAction } from "@/lib/audit"
import { getDb } from "@/lib/db"
import { notFound } from "@/lib/errors"
import { route } from "@/lib/route"
import { removeSecondFactor } from "@/lib/totp"
import { isResourceId } from "@/lib/shared/validations/text"

// DELETE /api/admin/users/:id/totp — reset someone's second factor, e.g. a lost phone (admin, audited)
export const DELETE = route("admin", async ({ params, user }) => {
  const found = isResourceId(params.id)
    ? await getDb().user.findUnique({ where: { id: params.id }, select: { id: true } })
    : null
  if (!found) throw notFound("User")
  await removeSecondFactor(found.id)
  await recordAdminAction(user, { action: "admin.user.totp_reset", details: { userId: found.id } })
  return new Response(null, { status: 204 })
})
