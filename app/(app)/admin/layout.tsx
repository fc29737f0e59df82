import type { ReactNode } from "react"
import { AdminNav } from "@/components/admin-nav"

export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <div className="space-y-8">
      <header className="space-y-4">
        <div className="space-y-2">
          <h1 className="text-3xl font-semibold tracking-tight">Admin</h1>
          <p className="text-slate-600 dark:text-slate-300">
            Every account, file, link and minted key on this server. Every change made here is audited.
          </p>
        </div>
        <AdminNav />
      </header>
      {children}
    </div>
  )
}
