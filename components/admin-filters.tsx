import { getTranslations } from "next-intl/server"
import Link from "next/link"
import { buttonClasses } from "@/components/ui/button"
import { INPUT_CLASSES } from "@/components/ui/input-classes"

export type FilterField =
  | {
      name: string
      label: string
      type: "text" | "number" | "datetime-local"
      value?: string | number
      placeholder?: string
    }
  | { name: string; label: string; type: "select"; value?: string; options: { value: string; label: string }[] }

/** Filters as a plain GET form: the query lives in the URL, so a filtered view can be bookmarked and shared. */
export async function AdminFilters({
  action,
  fields,
  label,
}: {
  action: string
  fields: FilterField[]
  label: string
}) {
  const t = await getTranslations("admin.filters")
  const classes = `${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`
  return (
    <form method="get" action={action} role="search" aria-label={label} className="flex flex-wrap items-end gap-3">
      {fields.map((field) => {
        const id = `filter-${field.name}`
        return (
          <div key={field.name} className={field.type === "text" ? "min-w-44 flex-1" : ""}>
            <label htmlFor={id} className="block text-sm font-medium text-slate-700 dark:text-slate-200">
              {field.label}
            </label>
            {field.type === "select" ? (
              <select id={id} name={field.name} defaultValue={field.value ?? ""} className={classes}>
                {field.options.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={field.name}
                type={field.type === "text" ? "search" : field.type}
                min={field.type === "number" ? 0 : undefined}
                defaultValue={field.value}
                placeholder={field.type === "text" ? field.placeholder : undefined}
                className={classes}
              />
            )}
          </div>
        )
      })}
      <button type="submit" className={buttonClasses({ variant: "secondary" })}>
        {t("apply")}
      </button>
      <Link href={action} className={buttonClasses({ variant: "ghost" })}>
        {t("clear")}
      </Link>
    </form>
  )
}

/** "First page" / "Next page" links for a cursor-paged list. */
export async function PageLinks({ first, next }: { first?: string; next?: string }) {
  const t = await getTranslations("admin.filters")
  return (
    <nav aria-label={t("pages")} className="flex justify-between text-sm">
      {first ? (
        <Link
          href={first}
          className="font-medium text-brand-600 hover:text-brand-700 dark:text-brand-300 dark:hover:text-brand-200"
        >
          {t("first")}
        </Link>
      ) : (
        <span />
      )}
      {next && (
        <Link
          href={next}
          className="font-medium text-brand-600 hover:text-brand-700 dark:text-brand-300 dark:hover:text-brand-200"
        >
          {t("next")}
        </Link>
      )}
    </nav>
  )
}

/** The string-valued entries of a page's searchParams (repeated parameters are ignored). */
export function stringParams(params: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  )
}

/** A URL for the same filters on another page: empty filters are dropped, the cursor replaced. */
export function pageHref(path: string, filters: Record<string, string | number | undefined>, cursor?: string): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(filters))
    if (value !== undefined && value !== "") params.set(name, String(value))
  if (cursor) params.set("cursor", cursor)
  const query = params.toString()
  return query ? `${path}?${query}` : path
}
