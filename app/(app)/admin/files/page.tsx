import type { Metadata } from "next"
import { AdminFilters, PageLinks, pageHref, stringParams } from "@/components/admin-filters"
import { AdminFilesTable } from "@/components/admin-files-table"
import { listAllFiles } from "@/lib/admin/files"
import { requirePageAdmin } from "@/lib/auth"
import { adminFilesQuerySchema } from "@/lib/shared/validations/admin"
import { adminFileSchema } from "@/lib/shared/wire/admin"

export const metadata: Metadata = { title: "Files · Admin" }

const PAGE_SIZE = 50
const MIB = 1024 * 1024

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> }

/** The form asks for MiB (people think in those); the API takes bytes. */
const mibToBytes = (value: string | undefined) =>
  value === undefined || value.trim() === "" ? undefined : String(Math.round(Number(value) * MIB))

export default async function AdminFilesPage({ searchParams }: PageProps) {
  await requirePageAdmin("/admin/files")
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
        className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400"
      >
        Files
      </h2>
      <AdminFilters
        action="/admin/files"
        label="Filter files"
        fields={[
          { name: "q", label: "Name", type: "text", value: query.q },
          { name: "owner", label: "Owner email", type: "text", value: query.owner },
          { name: "minMiB", label: "Min MiB", type: "number", value: filters.minMiB },
          { name: "maxMiB", label: "Max MiB", type: "number", value: filters.maxMiB },
        ]}
      />
      {files.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">No file matches.</p>
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
