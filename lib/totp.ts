import { createHash, randomBytes } from "node:crypto"
import { Secret, TOTP } from "otpauth"
import { getDb } from "@/lib/db"
import { ApiError } from "@/lib/errors"
import { PRODUCT_NAME } from "@/lib/mail/templates"
import { consumeRateLimit, RATE_LIMITS, resetRateLimit } from "@/lib/rate-limit"

/**
 * Two-factor sign-in with TOTP (RFC 6238: SHA-1, 6 digits, 30 s, as every authenticator app
 * expects), through otpauth. A code is accepted one step either side of now (clock drift), and
 * never twice: the last accepted step is kept and only a later one passes.
 */
const PERIOD_SECONDS = 30
const WINDOW = 1
export const RECOVERY_CODE_COUNT = 10

const totpFor = (secret: string, email: string) =>
  new TOTP({
    issuer: PRODUCT_NAME,
    label: email,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  })

/** A code as an authenticator app shows it at `now` (tests use it with a fixed clock). */
export const totpCodeAt = (secret: string, now: number) =>
  TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD_SECONDS,
    timestamp: now,
  })

// Recovery codes carry 80 random bits, so a plain SHA-256 is enough to keep the table useless.
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, "")
const hashRecoveryCode = (code: string) => createHash("sha256").update(normaliseRecoveryCode(code)).digest("hex")

function newRecoveryCode(): string {
  // 16 characters from 31: ~79 bits; the modulo bias of 256 % 31 is negligible at this length.
  const chars = [...randomBytes(16)].map((byte) => RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length]).join("")
  return chars.match(/.{4}/g)?.join("-") ?? chars
}

/**
 * Starts (or restarts) an enrolment: a new secret, not in force until confirmed with a code.
 * Returns the otpauth:// URI the QR code carries, and the secret for manual entry.
 */
export async function beginTotpEnrolment(user: {
  id: string
  email: string
}): Promise<{ secret: string; uri: string }> {
  const db = getDb()
  const secret = new Secret({ size: 20 }).base32
  const { count } = await db.user.updateMany({
    where: { id: user.id, totpEnabledAt: null },
    data: { totpSecret: secret, totpLastStep: null },
  })
  if (count !== 1)
    throw new ApiError("totp_already_enabled", "Two-factor sign-in is already on; turn it off before enrolling again")
  return { secret, uri: totpFor(secret, user.email).toString() }
}

/** Counts a code attempt against the same limit as passwords; 429 with Retry-After once over. */
async function limitCodeAttempt(userId: string): Promise<void> {
  const result = await consumeRateLimit({ key: `second-factor:user:${userId}`, ...RATE_LIMITS.signInPerAccount })
  if (!result.allowed) {
    throw new ApiError("rate_limited", `Too many two-factor codes; try again in ${result.retryAfterSeconds} seconds`, {
      "Retry-After": String(result.retryAfterSeconds),
    })
  }
}

/** Accepts a TOTP code once: only a step after the last accepted one passes (one conditional update). */
async function acceptTotpCode(
  user: { id: string; email: string; totpSecret: string },
  code: string,
  now: number,
): Promise<boolean> {
  const delta = totpFor(user.totpSecret, user.email).validate({ token: code, timestamp: now, window: WINDOW })
  if (delta === null) return false
  const step = Math.floor(now / 1000 / PERIOD_SECONDS) + delta
  const { count } = await getDb().user.updateMany({
    where: { id: user.id, totpSecret: user.totpSecret, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  })
  return count === 1
}

/** Confirms an enrolment with a first code; returns the recovery codes, shown once. 401 on a wrong code. */
export async function confirmTotpEnrolment(userId: string, code: string, now = Date.now()): Promise<string[]> {
  await limitCodeAttempt(userId)
  const db = getDb()
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, totpSecret: true, totpEnabledAt: true },
  })
  if (user?.totpEnabledAt) throw new ApiError("totp_already_enabled", "Two-factor sign-in is already on")
  if (!user?.totpSecret) throw new ApiError("totp_not_enrolled", "Start the enrolment first")
  if (!(await acceptTotpCode({ ...user, totpSecret: user.totpSecret }, code.replace(/\s/g, ""), now))) {
    throw new ApiError("invalid_otp", "That code is not right; check the time on your device and try the current code")
  }
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
  await db.$transaction([
    db.recoveryCode.deleteMany({ where: { userId } }),
    db.recoveryCode.createMany({ data: codes.map((recovery) => ({ userId, codeHash: hashRecoveryCode(recovery) })) }),
    db.user.update({ where: { id: userId }, data: { totpEnabledAt: new Date(now) } }),
  ])
  await resetRateLimit(`second-factor:user:${userId}`)
  return codes
}

/**
 * The second step of a sign-in: a current TOTP code, or one unused recovery code (spent by this).
 * Rate limited like passwords (throws 429 `rate_limited`); false for a wrong or replayed code.
 */
export async function verifySecondFactor(userId: string, code: string, now = Date.now()): Promise<boolean> {
  await limitCodeAttempt(userId)
  const db = getDb()
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, totpSecret: true, totpEnabledAt: true },
  })
  if (!user?.totpEnabledAt || !user.totpSecret) return false
  const compact = code.replace(/\s/g, "")
  let accepted = false
  if (/^\d{6}$/.test(compact)) accepted = await acceptTotpCode({ ...user, totpSecret: user.totpSecret }, compact, now)
  else {
    const { count } = await db.recoveryCode.updateMany({
      where: { userId, codeHash: hashRecoveryCode(compact), usedAt: null },
      data: { usedAt: new Date(now) },
    })
    accepted = count === 1
  }
  if (accepted) await resetRateLimit(`second-factor:user:${userId}`)
  return accepted
}

/** Turns two-factor sign-in off (the user, after their password; or an admin's reset). */
export async function removeSecondFactor(userId: string): Promise<void> {
  const db = getDb()
  await db.$transaction([
    db.recoveryCode.deleteMany({ where: { userId } }),
    db.user.update({ where: { id: userId }, data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null } }),
  ])
}

/** Unused recovery codes left, for the settings page. */
export const unusedRecoveryCodes = (userId: string) => getDb().recoveryCode.count({ where: { userId, usedAt: null } })
