import { describe, expect, it } from "vitest"
import { PartSigner, SIGN_AHEAD, type SignBatch } from "@/components/upload-part-signer"

/** A fake part-signing API: records each call, signs URLs that say which call made them. */
function fakeApi(options: { ttlMs?: number; skewMs?: number; fail?: (call: number) => boolean } = {}) {
  const calls: number[][] = []
  let clock = 1_000_000
  const signBatch: SignBatch = async (_uploadId, partNumbers) => {
    calls.push(partNumbers)
    const call = calls.length
    await Promise.resolve()
    if (options.fail?.(call)) throw new Error("HTTP 503")
    const serverNow = clock + (options.skewMs ?? 0)
    return {
      serverDate: serverNow,
      parts: partNumbers.map((partNumber) => ({
        partNumber,
        url: `https://storage.test/p${partNumber}?call=${call}`,
        expiresAt: new Date(serverNow + (options.ttlMs ?? 15 * 60_000)).toISOString(),
      })),
    }
  }
  return {
    calls,
    signBatch,
    now: () => clock,
    advance: (ms: number) => {
      clock += ms
    },
  }
}

describe("PartSigner", () => {
  it("signs ahead in one call and hands the cached URLs out, one call per SIGN_AHEAD parts", async () => {
    const api = fakeApi()
    const signer = new PartSigner(api.signBatch, api.now)
    // Uppy asks for six parts at once, then the rest as parts finish.
    const first = await Promise.all([1, 2, 3, 4, 5, 6].map((part) => signer.sign("u1", part, 100)))
    expect(first).toEqual([1, 2, 3, 4, 5, 6].map((part) => `https://storage.test/p${part}?call=1`))
    for (let part = 7; part <= 100; part++) await signer.sign("u1", part, 100)
    expect(api.calls.map((call) => [call[0], call.length])).toEqual([
      [1, SIGN_AHEAD],
      [33, SIGN_AHEAD],
      [65, SIGN_AHEAD],
      [97, 4],
    ])
  })

  it("signs again for a retry: a URL is handed out once", async () => {
    const api = fakeApi()
    const signer = new PartSigner(api.signBatch, api.now)
    expect(await signer.sign("u1", 3, 10)).toBe("https://storage.test/p3?call=1")
    expect(await signer.sign("u1", 3, 10)).toBe("https://storage.test/p3?call=2")
    // The retry's batch does not sign again what is still held.
    expect(api.calls[1]).toEqual([3])
  })

  it("re-signs a cached URL that is close to expiry, and the parts after it", async () => {
    const api = fakeApi({ ttlMs: 10 * 60_000 })
    const signer = new PartSigner(api.signBatch, api.now)
    await signer.sign("u1", 1, 5)
    api.advance(8 * 60_000 + 30_000) // 90 s left: outside the margin (a minute at most)
    expect(await signer.sign("u1", 2, 5)).toBe("https://storage.test/p2?call=1")
    api.advance(60_000) // 30 s left: inside it
    expect(await signer.sign("u1", 3, 5)).toBe("https://storage.test/p3?call=2")
    expect(api.calls[1]).toEqual([3, 4, 5])
    expect(await signer.sign("u1", 5, 5)).toBe("https://storage.test/p5?call=2")
  })

  it("uses the server's clock: a browser clock 5 minutes behind still re-signs in time", async () => {
    const api = fakeApi({ ttlMs: 10 * 60_000, skewMs: 5 * 60_000 })
    const signer = new PartSigner(api.signBatch, api.now)
    await signer.sign("u1", 1, 5)
    api.advance(8 * 60_000)
    expect(await signer.sign("u1", 2, 5)).toBe("https://storage.test/p2?call=1")
    // By the server's clock (expiresAt) 14.5 minutes are left; by the key's lifetime, 30 s.
    api.advance(90_000)
    expect(await signer.sign("u1", 3, 5)).toBe("https://storage.test/p3?call=2")
  })

  it("forgets a failed batch: the parts it covered are signed again, the error reaches the caller", async () => {
    const api = fakeApi({ fail: (call) => call === 1 })
    const signer = new PartSigner(api.signBatch, api.now)
    await expect(signer.sign("u1", 1, 3)).rejects.toThrow("HTTP 503")
    expect(await signer.sign("u1", 2, 3)).toBe("https://storage.test/p2?call=2")
    expect(await signer.sign("u1", 3, 3)).toBe("https://storage.test/p3?call=2")
    expect(api.calls).toEqual([
      [1, 2, 3],
      [2, 3],
    ])
  })

  it("keeps uploads apart, and forgets one", async () => {
    const api = fakeApi()
    const signer = new PartSigner(api.signBatch, api.now)
    await signer.sign("a", 1, 4)
    expect(await signer.sign("b", 2, 4)).toBe("https://storage.test/p2?call=2")
    signer.forget("a")
    expect(await signer.sign("a", 2, 4)).toBe("https://storage.test/p2?call=3")
  })
})

describe("PartSigner after an abort", () => {
  it("drops every URL it held for an aborted upload: each part is signed again", async () => {
    const api = fakeApi()
    const signer = new PartSigner(api.signBatch, api.now)
    expect(await signer.sign("u1", 1, 6)).toBe("https://storage.test/p1?call=1")
    // Parts 2 to 6 are held from the first batch; the upload is aborted (abortMultipartUpload).
    signer.forget("u1")
    for (const part of [2, 3, 4, 5, 6]) {
      expect(await signer.sign("u1", part, 6)).not.toMatch(/call=1$/)
    }
    expect(api.calls).toEqual([
      [1, 2, 3, 4, 5, 6],
      [2, 3, 4, 5, 6],
    ])
  })

  it("drops a batch still in flight when the upload is aborted", async () => {
    const api = fakeApi()
    const signer = new PartSigner(api.signBatch, api.now)
    const first = signer.sign("u1", 1, 4)
    signer.forget("u1")
    // The caller that asked before the abort gets its answer; nothing of that batch is kept.
    expect(await first).toBe("https://storage.test/p1?call=1")
    expect(await signer.sign("u1", 2, 4)).toBe("https://storage.test/p2?call=2")
    expect(await signer.sign("u1", 3, 4)).toBe("https://storage.test/p3?call=2")
    expect(api.calls).toEqual([
      [1, 2, 3, 4],
      [2, 3, 4],
    ])
  })

  it("keeps another upload's URLs when one is aborted", async () => {
    const api = fakeApi()
    const signer = new PartSigner(api.signBatch, api.now)
    await signer.sign("a", 1, 3)
    await signer.sign("b", 1, 3)
    signer.forget("a")
    expect(await signer.sign("b", 2, 3)).toBe("https://storage.test/p2?call=2")
    expect(await signer.sign("a", 2, 3)).toBe("https://storage.test/p2?call=3")
  })
})
