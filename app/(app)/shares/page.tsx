import type { Metadata } from "next"
import { MySharesList } from "@/components/shares-my-list"
import { requirePageUser } from "@/lib/auth"
import { listShares } from "@/lib/shares"

export const metadata: Metadata = { title: "My shares" }

export default async function SharesPage() {
  const account = await requirePageUser("/shares")
  const shares = await listShares({ ...account, via: "session" })
  const views = shares.map((share) => ({
    ...share,
    expiresAt: share.expiresAt?.toISOString() ?? null,
    createdAt: share.createdAt.toISOString(),
  }))
  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">My shares</h1>
        <p className="text-slate-600 dark:text-slate-300">
          Every link you created, across your files. Each download through a link gets its own one-minute key; revoking a link stops the next one.
        </p>
      </header>
      <MySharesList shares={views} />
    </div>
  )
}
