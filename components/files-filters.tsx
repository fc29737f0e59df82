import { getTranslations } from "next-intl/server"
import { buttonClasses } from "@/components/ui/button"
import { INPUT_CLASSES } from "@/components/ui/input-classes"
import type { ListFilesQuery } from "@/lib/shared/validations/files"

const SORTS: ListFilesQuery["sort"][] = ["newest", "oldest", "name", "size"]

/** Search and sort as a plain GET form: the query lives in the URL, so it can be bookmarked and works without JavaScript. */
export async function FilesFilters({ q, sort }: { q?: string; sort: ListFilesQuery["sort"] }) {
  const t = await getTranslations("files")
  return (
    <form method="get" action="/files" role="search" className="flex flex-wrap items-end gap-3">
      <div className="min-w-48 flex-1">
        <label htmlFor="files-search" className="block text-sm font-medium text-slate-700 dark:text-slate-200">
          {t("search")}
        </label>
        <input
          id="files-search"
          name="q"
          type="search"
          defaultValue={q}
          className={`${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`}
        />
      </div>
      <div>
        <label htmlFor="files-sort" className="block text-sm font-medium text-slate-700 dark:text-slate-200">
          {t("sort")}
        </label>
        <select
          id="files-sort"
          name="sort"
          defaultValue={sort}
          className={`${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`}
        >
          {SORTS.map((value) => (
            <option key={value} value={value}>
              {t(`sorts.${value}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className={buttonClasses({ variant: "secondary" })}>
        {t("apply")}
      </button>
    </form>
  )
}
