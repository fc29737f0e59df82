import { readdir } from "node:fs/promises"
import path from "node:path"

/**
 * Every `app/api/**\/route.ts`, found on disk, for the tables that must cover every route (access,
 * bad input): a new route is covered without anyone remembering to add it.
 */
export const API_DIR = path.resolve("app/api")
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const
export type Method = (typeof METHODS)[number]
export type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>

async function routeFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? routeFolders(path.join(dir, entry.name)) : Promise.resolve(entry.name === "route.ts" ? [dir] : []))),
  )
  return nested.flat()
}

/** Every route under app/api, as its path below /api ("files/[id]/download"), sorted. */
export const apiRoutes = async () => (await routeFolders(API_DIR)).map((folder) => path.relative(API_DIR, folder)).sort()
