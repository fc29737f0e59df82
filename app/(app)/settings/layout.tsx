import type { ReactNode } from "react"
import { SettingsNav } from "@/components/settings-nav"

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="space-y-8">
      <SettingsNav />
      {children}
    </div>
  )
}
