import Link from "next/link"
import { ValetLogo } from "@/components/ui/valet-logo"

export function SiteHeader() {
  return (
    <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
      <div className="mx-auto flex h-14 max-w-5xl items-center justify-between px-4">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight" aria-label="Valet home">
          <ValetLogo className="h-6 w-6 text-brand-600" />
          <span>Valet</span>
        </Link>
        <nav aria-label="Main" className="flex items-center gap-4 text-sm text-slate-600 dark:text-slate-300">
          <a href="/api/health" className="hover:text-slate-900 dark:hover:text-white">
            Status
          </a>
        </nav>
      </div>
    </header>
  )
}
