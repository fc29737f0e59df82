import { randomBytes } from "node:crypto"
import pg from "pg"

/**
 * Throwaway databases on the test PostgreSQL server (DATABASE_URL): tests that depend on an empty
 * table ("the first account becomes admin") get a database of their own.
 */
const serverUrl = () => {
  const url = process.env.DATABASE_URL
  if (!url) throw new Error("DATABASE_URL is not set: run the tests through `npm test`")
  return url
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(sql, values)).rows)
}

/** Creates an empty database and returns its URL and a function that drops it. */
export async function createFreshDatabase(label = "test"): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = serverUrl()
  const name = `valet_${label}_${randomBytes(6).toString("hex")}`
  await withClient(server, (client) => client.query(`CREATE DATABASE ${name}`))
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: () =>
      withClient(server, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  }
}
