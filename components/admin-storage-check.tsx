"use client"

import { useTranslations } from "next-intl"
import { useCallback, useEffect, useRef, useState } from "react"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { Button } from "@/components/ui/button"
import { DataTable, Th } from "@/components/ui/data-table"
import { FormAlert } from "@/components/ui/form-alert"
import { readApiFailure } from "@/lib/shared/api-client"
import {
  runBrowserProbe,
  STORAGE_CHECK_IDS,
  type StorageCheck,
  type StorageCheckReport,
  type StorageCheckStatus,
} from "@/lib/shared/storage-check"

const STATUS_CLASSES: Record<StorageCheckStatus, string> = {
  ok: "bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-950/50 dark:text-emerald-200 dark:ring-emerald-400/30",
  warn: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950/50 dark:text-amber-200 dark:ring-amber-400/30",
  fail: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950/50 dark:text-red-200 dark:ring-red-400/30",
  skipped: "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-400/30",
}

type State = { phase: "idle" | "running" | "done"; checks: StorageCheck[]; error?: string }

/**
 * Runs the storage self-test: the server's checks (POST /api/admin/storage-check), then the
 * browser's own probe with the keys the server minted for it — the one check only a browser on
 * this page can make (its network, its CORS, its mixed-content rules).
 */
export function AdminStorageCheck() {
  const t = useTranslations("storageCheck")
  const errorMessage = useApiErrorMessage()
  const [state, setState] = useState<State>({ phase: "idle", checks: [] })
  const started = useRef(false)

  const run = useCallback(async () => {
    setState({ phase: "running", checks: [] })
    try {
      const response = await fetch("/api/admin/storage-check", { method: "POST" })
      if (!response.ok) {
        setState({ phase: "done", checks: [], error: errorMessage(await readApiFailure(response)) })
        return
      }
      const report = (await response.json()) as StorageCheckReport
      const browser: StorageCheck = report.probe
        ? await runBrowserProbe(report.probe)
        : { id: "browser", status: "skipped", fix: "needs_bucket" }
      const checks = [...report.checks, browser].sort(
        (a, b) => STORAGE_CHECK_IDS.indexOf(a.id) - STORAGE_CHECK_IDS.indexOf(b.id),
      )
      setState({ phase: "done", checks })
    } catch {
      setState({ phase: "done", checks: [], error: errorMessage("network") })
    }
  }, [errorMessage])

  useEffect(() => {
    // Once per page view (React runs effects twice in development).
    if (started.current) return
    started.current = true
    void run()
  }, [run])

  const failures = state.checks.filter((check) => check.status === "fail").length
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <Button onClick={() => void run()} disabled={state.phase === "running"}>
          {state.phase === "running" ? t("running") : state.phase === "done" ? t("runAgain") : t("run")}
        </Button>
        <p role="status" aria-live="polite" className="text-sm font-medium">
          {state.phase === "running"
            ? t("running")
            : state.phase === "done" && !state.error
              ? failures === 0
                ? t("summaryOk")
                : t("summaryFail", { count: failures })
              : ""}
        </p>
      </div>
      {state.error && <FormAlert>{t("failed", { message: state.error })}</FormAlert>}
      {state.checks.length > 0 && (
        <DataTable
          caption={t("tableCaption")}
          head={
            <>
              <Th className="text-start">{t("columnCheck")}</Th>
              <Th className="text-start">{t("columnResult")}</Th>
              <Th className="text-start">{t("columnFix")}</Th>
            </>
          }
        >
          {state.checks.map((check) => (
            <tr key={check.id} data-check={check.id} data-status={check.status}>
              <th scope="row" className="px-4 py-3 text-start font-medium">
                {t(`names.${check.id}`)}
              </th>
              <td className="px-4 py-3">
                <span
                  className={`inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${STATUS_CLASSES[check.status]}`}
                >
                  {t(`status.${check.status}`)}
                </span>
              </td>
              <td className="px-4 py-3 text-slate-700 dark:text-slate-200">
                {check.fix ? t(`fixes.${check.fix}`, check.values ?? {}) : t("allGood")}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  )
}
