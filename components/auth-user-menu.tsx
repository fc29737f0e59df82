"use client"

import { useTranslations } from "next-intl"
import Link from "next/link"
import { useEffect, useId, useRef, useState } from "react"
import { SignOutButton } from "@/components/auth-sign-out-button"
import { SignOutEverywhereButton } from "@/components/settings-forms"

const ITEM_CLASSES =
  "block w-full rounded-md px-3 py-2 text-start text-sm text-slate-700 hover:bg-slate-100 hover:text-slate-900 disabled:opacity-60 dark:text-slate-200 dark:hover:bg-slate-800 dark:hover:text-white"

/**
 * The signed-in person's menu in the header. A disclosure (button + panel of links), not an ARIA
 * menu: site navigation is links, which keyboard users reach with Tab as everywhere else.
 */
export function UserMenu({ email, name, isAdmin }: { email: string; name: string | null; isAdmin: boolean }) {
  const t = useTranslations("userMenu")
  const [open, setOpen] = useState(false)
  const containerRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const panelId = useId()

  useEffect(() => {
    if (!open) return
    const onPointerDown = (event: PointerEvent) => {
      if (event.target instanceof Node && !containerRef.current?.contains(event.target)) setOpen(false)
    }
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return
      setOpen(false)
      buttonRef.current?.focus()
    }
    document.addEventListener("pointerdown", onPointerDown)
    document.addEventListener("keydown", onKeyDown)
    return () => {
      document.removeEventListener("pointerdown", onPointerDown)
      document.removeEventListener("keydown", onKeyDown)
    }
  }, [open])

  const close = () => setOpen(false)
  const initial = (name?.trim() || email).charAt(0).toUpperCase()

  return (
    <div
      ref={containerRef}
      className="relative"
      onBlur={(event) => {
        // Tabbing past the last item closes the panel; clicks inside (relatedTarget null) do not.
        if (event.relatedTarget instanceof Node && !event.currentTarget.contains(event.relatedTarget)) close()
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((isOpen) => !isOpen)}
        className="flex items-center gap-2 rounded-full py-1 ps-1 pe-2 text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
      >
        <span
          aria-hidden="true"
          className="flex h-7 w-7 items-center justify-center rounded-full bg-brand-600 text-xs font-semibold text-white"
        >
          {initial}
        </span>
        <span className="max-w-[12rem] truncate max-sm:sr-only">{email}</span>
        <svg
          viewBox="0 0 16 16"
          fill="none"
          stroke="currentColor"
          strokeWidth={1.75}
          strokeLinecap="round"
          strokeLinejoin="round"
          aria-hidden="true"
          className={`h-4 w-4 text-slate-400 transition-transform ${open ? "rotate-180" : ""}`}
        >
          <path d="m4 6 4 4 4-4" />
        </svg>
      </button>
      <div
        id={panelId}
        hidden={!open}
        className="absolute end-0 z-20 mt-2 w-64 rounded-xl border border-slate-200 bg-white p-1.5 shadow-lg dark:border-slate-800 dark:bg-slate-900"
      >
        <div className="border-b border-slate-100 px-3 pb-2 pt-1.5 dark:border-slate-800">
          <p className="text-xs text-slate-500 dark:text-slate-400">{t("signedInAs")}</p>
          {name && <p className="truncate text-sm font-medium">{name}</p>}
          <p className="truncate text-sm text-slate-600 dark:text-slate-300">{email}</p>
          {isAdmin && (
            <p className="mt-1.5 inline-block rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700 dark:bg-brand-900 dark:text-brand-100">
              {t("administrator")}
            </p>
          )}
        </div>
        <div className="py-1">
          <Link href="/settings" className={ITEM_CLASSES} onClick={close}>
            {t("settings")}
          </Link>
          <Link href="/settings/tokens" className={ITEM_CLASSES} onClick={close}>
            {t("tokens")}
          </Link>
          {isAdmin && (
            <Link href="/admin" className={ITEM_CLASSES} onClick={close}>
              {t("admin")}
            </Link>
          )}
        </div>
        <div className="border-t border-slate-100 pt-1 dark:border-slate-800">
          <SignOutButton className={ITEM_CLASSES}>{t("signOut")}</SignOutButton>
          <SignOutEverywhereButton className={ITEM_CLASSES} />
        </div>
      </div>
    </div>
  )
}
