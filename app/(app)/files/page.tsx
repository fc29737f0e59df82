import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import Link from "next/link"
import { FilesFilters } from "@/components/files-filters"
import { FilesSelectionProvider, ShareSelectedBar, UploadAndShare } from "@/components/files-selection"
import { FilesTable } from "@/components/files-table"
import { requirePageUser } from "@/lib/auth"
import { getEnv } from "@/lib/env"
import { listFiles } from "@/lib/files"
import { listFilesQuerySchema } from "@/lib/shared/validations/files"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("files"))("title") }
}

const PAGE_SIZE = 50

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> }

export default async function FilesPage({ searchParams }: PageProps) {
  const account = await requirePageUser("/files")
  const t = await getTranslations("files")
  const env = getEnv()
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  )
  // A hand-edited query string falls back to the first page, newest first, rather than an error.
  const parsed = listFilesQuerySchema.safeParse({ ...raw, limit: PAGE_SIZE })
  const query = parsed.success ? parsed.data : listFilesQuerySchema.parse({ limit: PAGE_SIZE })
  const { files, nextCursor } = await listFiles({ ...account, via: "session" }, query)
  const pageLink = (cursor?: string) => {
    const params = new URLSearchParams({
      ...(query.q ? { q: query.q } : {}),
      sort: query.sort,
      ...(cursor ? { cursor } : {}),
    })
    return `/files?${params}`
  }
  const settings = {
    maxFileSize: env.MAX_FILE_SIZE_BYTES,
    multipartThreshold: env.MULTIPART_THRESHOLD_BYTES,
    partSize: env.MULTIPART_PART_SIZE_BYTES,
  }
  const shareSettings = { maxExpirySeconds: env.SHARE_MAX_EXPIRY_SECONDS ?? null }
  return (
    <FilesSelectionProvider>
      <div className="space-y-8 sm:space-y-10">
        <header className="space-y-2">
          <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
          <p className="text-slate-600 dark:text-slate-300">{t("intro")}</p>
        </header>
        <section aria-labelledby="upload-heading" className="space-y-3">
          <h2
            id="upload-heading"
            className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400"
          >
            {t("upload")}
          </h2>
          <UploadAndShare uploadSettings={settings} shareSettings={shareSettings} />
        </section>
        <section aria-labelledby="files-heading" className="space-y-3">
          <h2
            id="files-heading"
            className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400"
          >
            {t("list")}
          </h2>
          <FilesFilters q={query.q} sort={query.sort} />
          <ShareSelectedBar settings={shareSettings} />
          {files.length === 0 && query.q ? (
            <p className="text-sm text-slate-500 dark:text-slate-400">{t("noMatch", { q: query.q })}</p>
          ) : (
            <FilesTable files={files} shareSettings={shareSettings} />
          )}
          <nav aria-label={t("pages")} className="flex justify-between text-sm">
            {query.cursor ? (
              <Link
                href={pageLink()}
                className="font-medium text-brand-600 hover:text-brand-700 dark:text-brand-300 dark:hover:text-brand-200"
              >
                {t("firstPage")}
              </Link>
            ) : (
              <span />
            )}
            {nextCursor && (
              <Link
                href={pageLink(nextCursor)}
                className="font-medium text-brand-600 hover:text-brand-700 dark:text-brand-300 dark:hover:text-brand-200"
              >
                {t("nextPage")}
              </Link>
            )}
          </nav>
        </section>
      </div>
    </FilesSelectionProvider>
  )
}
