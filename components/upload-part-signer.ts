/**
 * Signs multipart part URLs ahead, in batches (issue 20): Uppy 5 asks for one part at a time
 * (`signPart`), and a call per part cost the app more CPU than the rest of a 1 GiB upload. Asking
 * for part n signs n and the next ones not yet held (up to SIGN_AHEAD, one API call and one audit
 * row); the URLs are kept until shortly before they expire. A URL is handed out once: Uppy asks
 * again for a part only to retry it, and a retry gets a fresh signature.
 */
export const SIGN_AHEAD = 32

/** Whatever signs parts: POST /api/uploads/:id/parts `{ partNumbers }`, with the server's clock. */
export type SignBatch = (
  uploadId: string,
  partNumbers: number[],
) => Promise<{ parts: { partNumber: number; url: string; expiresAt: string }[]; serverDate?: number }>

type Held = { promise: Promise<string>; expiresAt?: number }

export class PartSigner {
  readonly #held = new Map<string, Map<number, Held>>()

  constructor(
    private readonly signBatch: SignBatch,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Time a URL must still have when handed out: a part must reach storage before its key dies.
   * A share of the URL's lifetime, so short-lived keys are still reused.
   */
  #margin(lifetimeMs: number) {
    return Math.min(60_000, lifetimeMs / 4)
  }

  #isFresh(held: Held) {
    return held.expiresAt === undefined || held.expiresAt > this.now()
  }

  /** The URL for one part, from a batch signed earlier or a new one that signs the next parts too. */
  async sign(uploadId: string, partNumber: number, partCount: number): Promise<string> {
    let parts = this.#held.get(uploadId)
    if (!parts) this.#held.set(uploadId, (parts = new Map()))
    const held = parts.get(partNumber)
    if (held && this.#isFresh(held)) {
      parts.delete(partNumber)
      try {
        const url = await held.promise
        // Still fresh once the batch arrived (expiresAt is set when it resolves).
        if (this.#isFresh(held)) return url
      } catch {
        // The batch failed: sign this part again below.
      }
    }
    parts.delete(partNumber)
    const numbers = [partNumber]
    for (let next = partNumber + 1; next <= partCount && numbers.length < SIGN_AHEAD; next++) {
      const ahead = parts.get(next)
      if (!ahead || !this.#isFresh(ahead)) numbers.push(next)
    }
    const requestedAt = this.now()
    const batch = this.signBatch(uploadId, numbers)
    for (const number of numbers.slice(1)) {
      const entry: Held = {
        promise: batch.then(({ parts: signed, serverDate }) => {
          const part = signed.find((each) => each.partNumber === number)
          if (!part) throw new Error(`No URL for part ${number}`)
          entry.expiresAt = this.#localExpiry(part.expiresAt, requestedAt, serverDate)
          return part.url
        }),
      }
      // Nobody may ever await a failed look-ahead; it is dropped instead.
      entry.promise.catch(() => {
        if (parts.get(number) === entry) parts.delete(number)
      })
      parts.set(number, entry)
    }
    const { parts: signed } = await batch
    const part = signed.find((each) => each.partNumber === partNumber)
    if (!part) throw new Error(`No URL for part ${partNumber}`)
    return part.url
  }

  /**
   * When a URL should no longer be handed out, on this browser's clock: the server's expiry
   * moved by the clocks' difference (from the answer's Date header), less the margin.
   */
  #localExpiry(expiresAt: string, requestedAt: number, serverDate: number | undefined) {
    const serverExpiry = Date.parse(expiresAt)
    const skew = serverDate === undefined || Number.isNaN(serverDate) ? 0 : requestedAt - serverDate
    const lifetime = serverExpiry - (serverDate ?? requestedAt)
    return serverExpiry + skew - this.#margin(Math.max(0, lifetime))
  }

  /** Forgets an upload's URLs (completed, aborted or removed). */
  forget(uploadId: string) {
    this.#held.delete(uploadId)
  }
}
