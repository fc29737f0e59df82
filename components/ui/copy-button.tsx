"use client"

import { useTranslations } from "next-intl"
import { useEffect, useState } from "react"
import { Button } from "@/components/ui/button"

const FEEDBACK_MS = 2000

/** Copies `text` to the clipboard and says so; the announcement is polite, not an alert. */
export function CopyButton({ text, label, className }: { text: string; label: string; className?: string }) {
  const t = useTranslations("common")
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle")

  useEffect(() => {
    if (state !== "copied") return
    const timer = setTimeout(() => setState("idle"), FEEDBACK_MS)
    return () => clearTimeout(timer)
  }, [state])

  async function copy() {
    try {
      // Absent outside secure contexts (plain http on a LAN address): say so instead of failing silently.
      if (!navigator.clipboard) throw new Error("Clipboard unavailable")
      await navigator.clipboard.writeText(text)
      setState("copied")
    } catch {
      setState("failed")
    }
  }

  return (
    <span className={`inline-flex items-center gap-2 ${className ?? ""}`}>
      <Button variant="secondary" size="sm" onClick={copy}>
        {state === "copied" ? t("copied") : label}
      </Button>
      <span aria-live="polite" className="text-xs text-slate-600 dark:text-slate-400">
        {state === "failed" ? t("copyUnavailable") : ""}
      </span>
    </span>
  )
}
