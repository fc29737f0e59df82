"use client"

import { useRouter } from "next/navigation"
import { useTransition } from "react"
import { SharesList, type ShareView } from "@/components/shares-list"

/** The My shares page's list: after a revocation the server's list is re-read. */
export function MySharesList({ shares }: { shares: ShareView[] }) {
  const router = useRouter()
  const [, startTransition] = useTransition()
  return <SharesList shares={shares} showFile onRevoked={() => startTransition(() => router.refresh())} />
}
