import { exportAuditCsv, listAuditEvents } from "@/lib/admin"
import { requireAdmin } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { adminAuditQuerySchema } from "@/lib/validations/admin"

// GET /api/admin/audit?user=&action=&from=&to=&cursor=&limit=&format=csv — the audit log, newest first (admin)
export async function GET(request: Request) {
  try {
    await requireAdmin(request)
    const query = adminAuditQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
    if (query.format === "csv") {
      return new Response(await exportAuditCsv(query), {
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="valet-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
          "Cache-Control": "no-store",
        },
      })
    }
    return Response.json(await listAuditEvents(query), { headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}
