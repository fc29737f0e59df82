import { createUser, listUsers } from "@/lib/admin"
import { requireAdmin } from "@/lib/auth"
import { handleApiError, readJson } from "@/lib/errors"
import { adminCreateUserSchema, adminUsersQuerySchema } from "@/lib/validations/admin"

// GET /api/admin/users?q=&cursor=&limit= — every account with its usage (admin)
export async function GET(request: Request) {
  try {
    await requireAdmin(request)
    const query = adminUsersQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
    return Response.json(await listUsers(query), { headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}

// POST /api/admin/users {email,password,name?} — create an account, also while registration is closed (admin)
export async function POST(request: Request) {
  try {
    const admin = await requireAdmin(request)
    const input = adminCreateUserSchema.parse(await readJson(request))
    return Response.json({ user: await createUser(admin, input) }, { status: 201 })
  } catch (error) {
    return handleApiError(error)
  }
}
