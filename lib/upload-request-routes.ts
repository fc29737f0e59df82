import { clientIp } from "@/lib/rate-limit"
import { resolveRequestUploader } from "@/lib/upload-requests"

/** Header the /r/<token> page sends the link's password in (no cookie: nothing ambient to forge). */
export const UPLOAD_PASSWORD_HEADER = "x-upload-password"

/** The outsider behind a request to /api/r/<token>/…, checked against the link every time. */
export function requireRequestUploader(request: Request, token: string) {
  return resolveRequestUploader({ token, password: request.headers.get(UPLOAD_PASSWORD_HEADER), ip: clientIp(request) })
}
