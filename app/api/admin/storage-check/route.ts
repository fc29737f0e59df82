import { route } from "@/lib/route"
import { runStorageSelfTest } from "@/lib/storage-check"

// POST /api/admin/storage-check — runs the storage self-test and mints the page's browser probe (admin)
export const POST = route("admin", async ({ user }) =>
  Response.json(await runStorageSelfTest({ browserProbeFor: user })),
)
