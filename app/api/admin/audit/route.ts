import { localeOfRequest } from "@/i18n/locales"
import { listAuditEvents } from "@/lib/admin/audit"
import { exportAuditCsv } from "@/lib/admin/audit-csv"
import { route } from "@/lib/route"
import { adminAuditQuerySchema } from "@/lib/shared/validations/admin"

// GET /api/admin/audit?user=&action=&from=&to=&cursor=&limit=&format=csv — the audit log, newest first (admin)
export const GET = route("admin", async ({ request }) => {
  const query = adminAuditQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  if (query.format === "csv") {
    return new Response(await exportAuditCsv(query, localeOfRequest(request.headers)), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="valet-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      },
    })
  }
  return Response.json(await listAuditEvents(query))
})
