import type { AuthUser } from "@/lib/auth"
import { getDb } from "@/lib/db"
import { ApiError, notFound } from "@/lib/errors"
import { sendShareByEmail } from "@/lib/notifications"
import { activeShareWhere } from "@/lib/share-state"
import { unsealShareUrl } from "@/lib/shares"
import type { ShareRecipientsInput } from "@/lib/shared/validations/notifications"
import { isResourceId } from "@/lib/shared/validations/text"

/**
 * Mails one of the caller's live links to recipients: the link's own URL from its sealed token,
 * never a presigned URL. 404 for another's link, 409 when the link is not live or predates sealing.
 */
export async function mailShareLink(
  user: AuthUser,
  shareId: string,
  input: ShareRecipientsInput,
  options: { charged?: boolean } = {},
): Promise<string[]> {
  if (input.recipients.length === 0) return []
  if (!isResourceId(shareId)) throw notFound("Share")
  const db = getDb()
  const share = await db.share.findFirst({
    where: { id: shareId, ownerId: user.id },
    select: {
      id: true,
      title: true,
      tokenSealed: true,
      files: { take: 1, orderBy: { position: "asc" }, select: { file: { select: { name: true } } } },
    },
  })
  if (!share) throw notFound("Share")
  const live = await db.share.count({ where: { id: share.id, ...activeShareWhere(new Date()) } })
  if (live === 0) throw new ApiError("share_not_active", "Only a live link can be sent")
  const url = unsealShareUrl(share.tokenSealed)
  if (!url)
    throw new ApiError("share_not_active", "This link was made before links could be sent again; create a new one")
  return sendShareByEmail(
    user,
    { id: share.id, url, title: share.title, firstFileName: share.files[0]?.file.name },
    input,
    options,
  )
}
