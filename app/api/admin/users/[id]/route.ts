import { updateUser } from "@/lib/admin"
import { requireAdmin } from "@/lib/auth"
import { handleApiError, readJson } from "@/lib/errors"
import { adminUpdateUserSchema } from "@/lib/validations/admin"

// PATCH /api/admin/users/:id {disabled?,role?,quotaBytes?} — disable/enable, promote/demote, set quota (admin)
export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const admin = await requireAdmin(request)
    const input = adminUpdateUserSchema.parse(await readJson(request))
    await updateUser(admin, (await params).id, input)
    return new Response(null, { status: 204 })
  } catch (error) {
    return handleApiError(error)
  }
}
