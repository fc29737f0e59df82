"use client"

import { signOut } from "next-auth/react"
import { useTranslations } from "next-intl"
import { useState, type ReactNode } from "react"

/** Signs out through next-auth (POST with its CSRF token) and lands on the home page. */
export function SignOutButton({ className, children }: { className?: string; children?: ReactNode }) {
  const t = useTranslations("userMenu")
  const [pending, setPending] = useState(false)
  return (
    <button
      type="button"
      className={className}
      disabled={pending}
      onClick={() => {
        setPending(true)
        signOut({ callbackUrl: "/" }).catch(() => setPending(false))
      }}
    >
      {pending ? t("signingOut") : (children ?? t("signOut"))}
    </button>
  )
}
