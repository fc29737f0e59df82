"use client"

import { useTranslations } from "next-intl"
import { useEffect, useRef } from "react"
import { Button } from "@/components/ui/button"
import { CopyButton } from "@/components/ui/copy-button"
import type { NewApiTokenWire } from "@/lib/shared/wire/account"

export type NewApiToken = Pick<NewApiTokenWire, "id" | "name" | "secret">

/** The one and only time a token's secret is on screen: the server keeps just its hash. */
export function NewApiTokenSecret({
  token,
  apiOrigin,
  onDismiss,
}: {
  token: NewApiToken
  apiOrigin: string
  onDismiss: () => void
}) {
  const t = useTranslations("tokens")
  const headingRef = useRef<HTMLHeadingElement>(null)
  const curl = `curl -H "Authorization: Bearer ${token.secret}" ${apiOrigin}/api/tokens`

  // Move focus here so keyboard and screen-reader users learn the secret has appeared.
  useEffect(() => headingRef.current?.focus(), [token.id])

  return (
    <section
      aria-labelledby="new-token-heading"
      className="rounded-xl border border-emerald-300 bg-emerald-50 p-5 shadow-sm dark:border-emerald-800 dark:bg-emerald-950/40"
    >
      <h2
        id="new-token-heading"
        ref={headingRef}
        tabIndex={-1}
        className="font-semibold text-emerald-900 dark:text-emerald-100"
      >
        {t("newTitle", { name: token.name })}
      </h2>
      <p className="mt-1 text-sm text-emerald-900/80 dark:text-emerald-100/80">{t("newBody")}</p>
      <div className="mt-4 flex flex-col gap-2 sm:flex-row sm:items-center">
        <label htmlFor="new-token-secret" className="sr-only">
          {t("newLabel")}
        </label>
        <input
          id="new-token-secret"
          readOnly
          value={token.secret}
          onFocus={(event) => event.currentTarget.select()}
          spellCheck={false}
          dir="ltr"
          className="min-w-0 flex-1 rounded-lg border border-emerald-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 dark:border-emerald-800 dark:bg-slate-950 dark:text-slate-100"
        />
        <CopyButton text={token.secret} label={t("copyToken")} />
      </div>
      <div className="mt-4">
        <div className="flex items-center justify-between gap-2">
          <p id="new-token-example" className="text-sm font-medium text-emerald-900 dark:text-emerald-100">
            {t("tryIt")}
          </p>
          <CopyButton text={curl} label={t("copyCommand")} />
        </div>
        <pre
          aria-labelledby="new-token-example"
          dir="ltr"
          className="mt-2 overflow-x-auto rounded-lg bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100 dark:bg-slate-950"
        >
          <code>{curl}</code>
        </pre>
      </div>
      <div className="mt-4 flex justify-end">
        <Button variant="secondary" size="sm" onClick={onDismiss}>
          {t("savedIt")}
        </Button>
      </div>
    </section>
  )
}
