import { createUser, listUsers } from "@/lib/admin/users"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { adminCreateUserSchema, adminUsersQuerySchema } from "@/lib/shared/validations/admin"

// GET /api/admin/users?q=&cursor=&limit= — every account with its usage (admin)
export const GET = route("admin", async ({ request }) => {
  const query = adminUsersQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return Response.json(await listUsers(query))
})

// POST /api/admin/users {email,password,name?} — create an account, also while registration is closed (admin)
export const POST = route("admin", async ({ request, user }) => {
  const input = adminCreateUserSchema.parse(await readJson(request))
  return Response.json({ user: await createUser(user, input) }, { status: 201 })
})
