import { updateUser } from "@/lib/admin/users"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { adminUpdateUserSchema } from "@/lib/shared/validations/admin"

// PATCH /api/admin/users/:id {disabled?,role?,quotaBytes?} — disable/enable, promote/demote, set quota (admin)
export const PATCH = route("admin", async ({ request, user, params }) => {
  const input = adminUpdateUserSchema.parse(await readJson(request))
  await updateUser(user, params.id, input)
  return new Response(null, { status: 204 })
})
