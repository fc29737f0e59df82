import pg from "pg"

/**
 * Direct access to the app's database for what no API offers yet (disabling an account before
 * the admin screens exist). `npm test` sets E2E_DATABASE_URL to the database the app runs on.
 */
export async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const url = process.env.E2E_DATABASE_URL
  if (!url) throw new Error("E2E_DATABASE_URL is not set: run the e2e specs through `npm test`")
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}

export const disableAccount = (email: string) =>
  sql(`UPDATE "User" SET "disabledAt" = now() WHERE "email" = $1`, [email])
