import { clientIp } from "@/lib/rate-limit"
import { resolveRequestUploader } from "@/lib/upload-requests"
import { UPLOAD_PASSWORD_HEADER } from "@/lib/shared/validations/upload-requests"

/** The outsider behind a request to /api/r/<token>/…, checked against the link every time. */
export function requireRequestUploader(request: Request, token: string) {
  return resolveRequestUploader({ token, password: request.headers.get(UPLOAD_PASSWORD_HEADER), ip: clientIp(request) })
}
