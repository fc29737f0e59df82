/** Share links: owners create and manage them; recipients open, unlock, preview and download. */
export {
  downloadShareFile,
  isShareUnlocked,
  previewShareFile,
  recordShareView,
  redeemShare,
  shareStatus,
  startDownloadAll,
  unlockShare,
} from "@/lib/shares/downloads"
export { sealShareToken, shareGone, shareUrl, unsealShareUrl } from "@/lib/shares/links"
export {
  SHARE_SUMMARY_SELECT,
  type ShareEventRow,
  createShare,
  getShareDetail,
  listShares,
  revokeShare,
  toShareSummary,
  updateShare,
} from "@/lib/shares/owner"
export { type PublicShare, type RecipientRequest, describeShare, truncateIp } from "@/lib/shares/recipient-link"
export {
  SHARE_UNLOCK_COOKIE,
  SHARE_UNLOCK_SECONDS,
  ZIP_TICKET_SECONDS,
  readUnlockCookie,
  shareUnlockCookie,
} from "@/lib/shares/signed"
export type { ShareFileSummary, ShareState, ShareSummary } from "@/lib/shared/wire/shares"
