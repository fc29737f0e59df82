import { z } from "zod"
import { say } from "@/lib/shared/validations/messages"
import { displaySafe } from "@/lib/shared/validations/text"

export const PASSWORD_MIN_LENGTH = 8
// Argon2 is fine with long inputs, but a bound keeps a single request's cost predictable.
export const PASSWORD_MAX_LENGTH = 256

/**
 * Passwords at the top of every breach list; NIST SP 800-63B asks verifiers to refuse them.
 * Only entries long enough to pass the length rule need to be here.
 */
const COMMON_PASSWORDS = new Set([
  "password",
  "password1",
  "password12",
  "password123",
  "password!",
  "passw0rd",
  "p@ssw0rd",
  "p@ssword",
  "12345678",
  "123456789",
  "1234567890",
  "0123456789",
  "87654321",
  "11111111",
  "00000000",
  "12341234",
  "11223344",
  "12121212",
  "123123123",
  "112233445566",
  "qwertyuiop",
  "qwerty123",
  "qwerty12",
  "1q2w3e4r",
  "1q2w3e4r5t",
  "1qaz2wsx",
  "zaq12wsx",
  "asdfghjkl",
  "asdf1234",
  "abcd1234",
  "abc12345",
  "abcdefgh",
  "iloveyou",
  "iloveyou1",
  "sunshine",
  "princess",
  "football",
  "baseball",
  "basketball",
  "superman",
  "batman123",
  "starwars",
  "trustno1",
  "whatever",
  "letmein1",
  "welcome1",
  "welcome123",
  "changeme",
  "admin123",
  "administrator",
  "monkey123",
  "dragon123",
  "master123",
  "computer",
  "internet",
  "michelle",
  "jennifer",
  "charlie1",
  "shadow123",
  "samsung1",
  "mustang1",
  "liverpool",
  "chocolate",
  "passwort",
  "valet123",
  "valetvalet",
])

export const emailSchema = z
  .string({ error: say("emailRequired") })
  .trim()
  .toLowerCase()
  .max(254, say("emailTooLong"))
  .pipe(z.email({ error: say("emailInvalid") }))

export const passwordSchema = z
  .string({ error: say("passwordRequired") })
  .min(PASSWORD_MIN_LENGTH, say("tooShort", { min: PASSWORD_MIN_LENGTH }))
  .max(PASSWORD_MAX_LENGTH, say("tooLong", { max: PASSWORD_MAX_LENGTH }))
  .refine((password) => !COMMON_PASSWORDS.has(password.toLowerCase()), say("passwordCommon"))

export const registerSchema = z
  .object({
    email: emailSchema,
    password: passwordSchema,
    name: displaySafe(
      z
        .string()
        .trim()
        .max(100, say("tooLong", { max: 100 })),
      "The name",
    )
      .optional()
      .transform((name) => name || undefined),
  })
  .refine(
    (input) => {
      const localPart = input.email.split("@")[0] ?? ""
      // Short local parts ("jo@…") would forbid half the alphabet; only guard the guessable case.
      return localPart.length < 4 || !input.password.toLowerCase().includes(localPart)
    },
    { path: ["password"], message: say("passwordHasEmail") },
  )

export type RegisterInput = Omit<z.infer<typeof registerSchema>, "name"> & { name?: string }

/** Sign-in only checks shape: the password rules of today must not lock out older accounts. */
export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, say("yourPasswordRequired")).max(PASSWORD_MAX_LENGTH),
  /** A TOTP code or a recovery code, for accounts with two-factor sign-in. */
  otp: z
    .string()
    .trim()
    .max(40)
    .optional()
    .transform((code) => code || undefined),
})

export type SignInInput = z.infer<typeof signInSchema>

export const TOKEN_NAME_MAX_LENGTH = 100

export const createApiTokenSchema = z.object({
  name: displaySafe(
    z
      .string({ error: say("tokenNameRequired") })
      .trim()
      .min(1, say("tokenNameRequired"))
      .max(TOKEN_NAME_MAX_LENGTH, say("tooLong", { max: TOKEN_NAME_MAX_LENGTH })),
    "The name",
  ),
  /** Days until the token stops working; absent or null for a token that does not expire. */
  expiresInDays: z.number().int().min(1).max(365).nullish(),
})

export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>
