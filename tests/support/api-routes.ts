import { readdir } from "node:fs/promises"
import path from "node:path"
import type { RouteAccess } from "@/lib/route"

/**
 * Every `app/api/**\/route.ts`, found on disk, for the tables that must cover every route (access,
 * bad input): a new route is covered without anyone remembering to add it.
 */
export const API_DIR = path.resolve("app/api")
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const
export type Method = (typeof METHODS)[number]
/** A route module's method as the tests call it; `access` is what `route()` declared (absent: not wrapped). */
export type RouteHandler = ((
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>) & {
  readonly access?: RouteAccess
}

async function routeFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory()
        ? routeFolders(path.join(dir, entry.name))
        : Promise.resolve(entry.name === "route.ts" ? [dir] : []),
    ),
  )
  return nested.flat()
}

/** Every route under app/api, as its path below /api ("files/[id]/download"), sorted. */
export const apiRoutes = async () =>
  (await routeFolders(API_DIR)).map((folder) => path.relative(API_DIR, folder)).sort()

export const APP_DIR = path.resolve("app")
/** Every route handler file under app/ (API routes and page-side ones like s/[token]/download), below app/. */
export const appRoutes = async () =>
  (await routeFolders(APP_DIR)).map((folder) => path.relative(APP_DIR, folder)).sort()
