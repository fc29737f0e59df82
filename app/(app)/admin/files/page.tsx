import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import { AdminFilters, PageLinks, pageHref, stringParams } from "@/components/admin-filters"
import { AdminFilesTable } from "@/components/admin-files-table"
import { listAllFiles } from "@/lib/admin/files"
import { requirePageAdmin } from "@/lib/auth"
import { adminFilesQuerySchema } from "@/lib/shared/validations/admin"
import { adminFileSchema } from "@/lib/shared/wire/admin"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin.files"))("metaTitle") }
}

const PAGE_SIZE = 50
const MIB = 1024 * 1024

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> }

/** The form asks for MiB (people think in those); the API takes bytes. */
const mibToBytes = (value: string | undefined) =>
  value === undefined || value.trim() === "" ? undefined : String(Math.round(Number(value) * MIB))

export default async function AdminFilesPage({ searchParams }: PageProps) {
  await requirePageAdmin("/admin/files")
  const t = await getTranslations("admin.files")
  const raw = stringParams(await searchParams)
  const parsed = adminFilesQuerySchema.safeParse({
    ...raw,
    minSize: mibToBytes(raw.minMiB),
    maxSize: mibToBytes(raw.maxMiB),
    limit: PAGE_SIZE,
  })
  const query = parsed.success ? parsed.data : adminFilesQuerySchema.parse({ limit: PAGE_SIZE })
  const { files, nextCursor } = await listAllFiles(query)
  const filters = {
    q: query.q,
    owner: query.owner,
    minMiB: query.minSize === undefined ? undefined : raw.minMiB,
    maxMiB: query.maxSize === undefined ? undefined : raw.maxMiB,
  }
  return (
    <section aria-labelledby="files-heading" className="space-y-3">
      <h2
        id="files-heading"
        className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400"
      >
        {t("title")}
      </h2>
      <AdminFilters
        action="/admin/files"
        label={t("filter")}
        fields={[
          { name: "q", label: t("name"), type: "text", value: query.q },
          { name: "owner", label: t("owner"), type: "text", value: query.owner },
          { name: "minMiB", label: t("minMiB"), type: "number", value: filters.minMiB },
          { name: "maxMiB", label: t("maxMiB"), type: "number", value: filters.maxMiB },
        ]}
      />
      {files.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("empty")}</p>
      ) : (
        <AdminFilesTable files={files.map((file) => adminFileSchema.encode(file))} />
      )}
      <PageLinks
        first={query.cursor ? pageHref("/admin/files", filters) : undefined}
        next={nextCursor ? pageHref("/admin/files", filters, nextCursor) : undefined}
      />
    </section>
  )
}
