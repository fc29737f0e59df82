import { clientIp } from "@/lib/rate-limit"
import { resolveRequestUploader } from "@/lib/upload-requests"
import type { UploadSession } from "@/lib/upload-sessions"
import { UPLOAD_PASSWORD_HEADER, UPLOAD_SESSION_HEADER } from "@/lib/shared/validations/upload-requests"

/**
 * The outsider behind a request to /api/r/<token>/…, checked against the link every time: its
 * upload session (the browser) or its password (API clients).
 */
export function requireRequestUploader(request: Request, token: string) {
  return resolveRequestUploader({
    token,
    session: request.headers.get(UPLOAD_SESSION_HEADER),
    password: request.headers.get(UPLOAD_PASSWORD_HEADER),
    ip: clientIp(request),
  })
}

/** Hands a renewed upload session back to the sender with the answer, when there is one. */
export function withRenewedSession(response: Response, uploader: { renewedSession?: UploadSession }): Response {
  if (uploader.renewedSession) response.headers.set(UPLOAD_SESSION_HEADER, uploader.renewedSession.token)
  return response
}
