import { mkdir, writeFile } from "node:fs/promises"
import path from "node:path"
import { test } from "@playwright/test"

// Starts the run's list of secrets empty; specs append to it (e2e/support/secrets.ts).
test("start an empty list of the secrets specs use", async () => {
  const file = process.env.E2E_SECRETS_FILE
  if (!file) return
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, "")
})
