/**
 * `npm run setup:bucket`: creates S3_BUCKET (or, with STORAGE_BACKEND=azure, AZURE_STORAGE_CONTAINER)
 * if it is missing and sets the CORS rule browsers need (only APP_URL's origin; the methods valet
 * keys use; ETag exposed). Safe to run again.
 */
import { EnvError, getEnv } from "@/lib/env"
import { ensureBucket } from "@/lib/storage"

try {
  const env = getEnv()
  const origin = new URL(env.APP_URL).origin
  await ensureBucket({ corsOrigins: [origin] })
  const where =
    env.STORAGE_BACKEND === "azure"
      ? `container ${env.AZURE_STORAGE_CONTAINER} ready at ${env.AZURE_BLOB_ENDPOINT ?? `account ${env.AZURE_STORAGE_ACCOUNT}`}`
      : `${env.S3_BUCKET} ready at ${env.S3_ENDPOINT ?? "AWS S3"}`
  console.log(`setup-bucket: ${where}, CORS allows ${origin}`)
} catch (error) {
  console.error(`setup-bucket: ${error instanceof EnvError || error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
