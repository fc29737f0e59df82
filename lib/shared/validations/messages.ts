/**
 * The field messages the schemas give people, in English: the API answers with these texts, and the
 * UI reads an answer (or its own parse) back to a key and shows messages/*.json → validation.<key>
 * in the reader's language. `{name}` marks a value filled in. Messages only an API client can
 * provoke (a part number out of range, a batch shape) stay written in their schema; the UI shows
 * validation.invalid for them.
 */
export const VALIDATION_MESSAGES = {
  tooLong: "Use at most {max} characters",
  tooShort: "Use at least {min} characters",
  controlCharacters: "{what} must not contain control characters or bidirectional overrides",
  notUnicode: "{what} must be valid Unicode text (it holds an unpaired surrogate)",
  emailRequired: "Enter your email address",
  emailInvalid: "Enter a valid email address",
  emailTooLong: "That email address is too long",
  passwordRequired: "Enter a password",
  yourPasswordRequired: "Enter your password",
  currentPasswordRequired: "Enter your current password",
  passwordCommon: "This password is too common; choose another",
  passwordHasEmail: "Your password must not contain your email address",
  passwordReused: "Choose a password you have not used here",
  codeRequired: "Enter the code",
  codeDigits: "Enter the 6-digit code",
  linkTokenMissing: "The link has no token",
  tokenNameRequired: "Give the token a name",
  requestTitleRequired: "Give the request a title",
  fileNameRequired: "Give the file a name",
  webhookUrlRequired: "Enter the receiver's URL",
  eventsRequired: "Choose at least one event",
  recipientsInvalid: "Enter valid email addresses",
  recipientsRequired: "Enter at least one address",
  recipientsTooMany: "Send a link to at most {max} addresses at once",
  expiryTooShort: "A link must live at least a minute",
  shareExpiryTooLong: "A link may live at most ten years",
  requestExpiryTooLong: "A link may live at most 90 days",
  downloadsTooFew: "Allow at least one download",
  filesRequired: "Choose at least one file",
  filesTooMany: "A link holds at most {max} files",
  filesRepeated: "A file may appear once in a link",
  maxFilesTooFew: "Allow at least one file",
  mediaTypes: "Use media types such as image/png or image/*",
  linksRequired: "Pick at least one link",
} as const

export type ValidationMessageKey = keyof typeof VALIDATION_MESSAGES
type Params = Record<string, string | number>

/** The English message a schema gives, with its values filled in. */
export function say(key: ValidationMessageKey, params: Params = {}): string {
  return VALIDATION_MESSAGES[key].replace(/\{(\w+)\}/g, (_match, name: string) => String(params[name] ?? ""))
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const MATCHERS = (Object.entries(VALIDATION_MESSAGES) as [ValidationMessageKey, string][]).map(([key, template]) => {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? "")
  const pattern = escapeRegExp(template).replace(/\\\{\w+\\\}/g, "(.+?)")
  return { key, names, pattern: new RegExp(`^${pattern}\\.?$`, "s") }
})

/**
 * The key and values behind a message from `say` (the API's `issues[].message`, perhaps with a
 * full stop added); undefined for any other text. Numbers come back as numbers, for plurals.
 */
export function readValidationMessage(message: string): { key: ValidationMessageKey; params: Params } | undefined {
  for (const { key, names, pattern } of MATCHERS) {
    const match = pattern.exec(message.trim())
    if (!match) continue
    const params: Params = {}
    names.forEach((name, index) => {
      const value = match[index + 1] ?? ""
      params[name] = /^\d+$/.test(value) ? Number(value) : value
    })
    return { key, params }
  }
  return undefined
}
