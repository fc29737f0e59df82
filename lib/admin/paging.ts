/** Cursor paging for the admin lists: a page size and the id of the last row seen. */
export type Page = { cursor?: string; limit: number }

/** Prisma's cursor paging: one row more than asked tells whether there is a next page. */
export function pageOf<T extends { id: string }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit)
  return { rows: shown, nextCursor: rows.length > limit ? (shown.at(-1)?.id ?? null) : null }
}

export const cursorArgs = (page: Page) => ({
  take: page.limit + 1,
  ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
})

export const contains = (text: string) => ({ contains: text, mode: "insensitive" as const })
