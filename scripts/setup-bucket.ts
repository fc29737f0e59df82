/**
 * `npm run setup:bucket`: creates S3_BUCKET if it is missing and sets the CORS rule browsers need
 * (only APP_URL's origin; GET/PUT/POST/HEAD/DELETE; ETag exposed). Safe to run again.
 */
import { EnvError, getEnv } from "@/lib/env"
import { ensureBucket } from "@/lib/storage"

try {
  const env = getEnv()
  const origin = new URL(env.APP_URL).origin
  await ensureBucket({ corsOrigins: [origin] })
  console.log(`setup-bucket: ${env.S3_BUCKET} ready at ${env.S3_ENDPOINT ?? "AWS S3"}, CORS allows ${origin}`)
} catch (error) {
  console.error(`setup-bucket: ${error instanceof EnvError || error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
