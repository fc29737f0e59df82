"use client"

import { useLocale, useTranslations } from "next-intl"
import { formatBytesIn } from "@/lib/shared/format"

/** Uppy strings Valet translates (messages → uploader.uppy.*); Uppy's own English covers the rest. */
const UPPY_KEYS = [
  "dropPasteFiles",
  "browseFiles",
  "uploadComplete",
  "uploadPaused",
  "resumeUpload",
  "pauseUpload",
  "retryUpload",
  "cancelUpload",
  "uploading",
  "complete",
  "uploadFailed",
  "paused",
  "retry",
  "pause",
  "resume",
  "done",
  "dataUploadedOfTotal",
  "xTimeLeft",
  "addMore",
  "cancel",
  "removeFile",
  "dropHint",
  "back",
  "addMoreFiles",
] as const
const UPPY_PLURALS = ["xFilesSelected", "uploadXFiles", "filesUploadedOfTotal"] as const

/**
 * The dashboard's words in the page's language. Uppy's own `%{name}` placeholders are kept, so the
 * messages are read raw (not as ICU). Plain data, so it can be compared by value.
 */
export function useUploaderStrings(maxFileSize: number) {
  const t = useTranslations("uploader")
  const locale = useLocale()
  const strings: Record<string, string | Record<number, string>> = {}
  for (const key of UPPY_KEYS) strings[key] = t.raw(`uppy.${key}`) as string
  for (const key of UPPY_PLURALS)
    strings[key] = { 0: t.raw(`uppy.${key}.one`) as string, 1: t.raw(`uppy.${key}.other`) as string }
  return { note: t("note", { size: formatBytesIn(locale, maxFileSize) }), strings }
}

/** Uppy picks a plural form by index; 0 = one, 1 = other (Arabic's dual and few forms fold into these). */
export const pluralize = (count: number) => (count === 1 ? 0 : 1)
