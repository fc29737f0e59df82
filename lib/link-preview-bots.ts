/**
 * Link-preview fetchers and crawlers, by User-Agent. Pasting a share link into a chat makes the
 * chat's server fetch it to build a card; on `/s/:token/download` that fetch would use up a
 * download (a limit of 1 gone before the recipient clicks). These get the share page instead.
 * A User-Agent can be forged, but only to refuse oneself a download, never to get one.
 */
const PREVIEW_AGENTS = [
  "slackbot",
  "slack-imgproxy",
  "twitterbot",
  "facebookexternalhit",
  "facebot",
  "discordbot",
  "whatsapp",
  "telegrambot",
  "linkedinbot",
  "googlebot",
  "google-inspectiontool",
  "googleother",
  "bingbot",
  "bingpreview",
  "applebot",
  "skypeuripreview",
  "microsoftpreview",
  "embedly",
  "iframely",
  "redditbot",
  "pinterestbot",
  "vkshare",
  "mastodon",
  "cardyb",
  "duckduckbot",
  "yandexbot",
  "baiduspider",
  "kakaotalk-scrap",
]

// Only fetchers: the in-app browsers of chat apps (a person clicking the link) must still download.
/** Whole-word "bot", "crawler", "spider" or "preview" (not "Cubot", a phone brand). */
const GENERIC_AGENT = /\b(?:bot|crawler|spider|preview|headlesschrome)\b/i

export function isLinkPreviewBot(userAgent: string | null): boolean {
  if (!userAgent) return false
  const agent = userAgent.toLowerCase()
  return PREVIEW_AGENTS.some((marker) => agent.includes(marker)) || GENERIC_AGENT.test(agent)
}
