import { buttonClasses } from "@/components/ui/button"
import { INPUT_CLASSES } from "@/components/ui/input-classes"
import type { ListFilesQuery } from "@/lib/shared/validations/files"

const SORT_LABELS: Record<ListFilesQuery["sort"], string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  name: "Name",
  size: "Largest first",
}

/** Search and sort as a plain GET form: the query lives in the URL, so it can be bookmarked and works without JavaScript. */
export function FilesFilters({ q, sort }: { q?: string; sort: ListFilesQuery["sort"] }) {
  return (
    <form method="get" action="/files" role="search" className="flex flex-wrap items-end gap-3">
      <div className="min-w-48 flex-1">
        <label htmlFor="files-search" className="block text-sm font-medium text-slate-700 dark:text-slate-200">
          Search by name
        </label>
        <input id="files-search" name="q" type="search" defaultValue={q} className={`${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`} />
      </div>
      <div>
        <label htmlFor="files-sort" className="block text-sm font-medium text-slate-700 dark:text-slate-200">
          Sort
        </label>
        <select id="files-sort" name="sort" defaultValue={sort} className={`${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`}>
          {Object.entries(SORT_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className={buttonClasses({ variant: "secondary" })}>
        Apply
      </button>
    </form>
  )
}
