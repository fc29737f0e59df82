import { randomBytes } from "node:crypto"
import contentDisposition from "content-disposition"
import { describe, expect, it } from "vitest"
import { apiRequest, APP_ORIGIN, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { isAzure, keyLifetimeSeconds, objectPathOf, SIGNATURE_PATTERN, STORED } from "@/tests/support/storage-profile"
import {
  setUpSharesWorld,
  PROFILE,
  DOWNLOAD_TTL_SECONDS,
  database,
  routes,
  storage,
  owner,
  logged,
  issuedTokens,
  params,
  sha256Hex,
  tokenOf,
  uploadFile,
  createShareOk,
  download,
  shareRow,
} from "@/tests/support/shares/world"

/**
 * Downloading through a link: the presigned GET and its bytes, download limits under concurrency,
 * key lifetimes, passwords, what completion verified, and HEAD requests and preview bots.
 */
setUpSharesWorld()

describe(`shares on ${PROFILE} storage: downloads`, () => {
  describe("downloading through a link", () => {
    it("302s to a presigned GET that serves the bytes as an attachment, audited without the URL", async () => {
      const file = await uploadFile("payload.bin")
      const share = await createShareOk(file.id)
      const response = await download(tokenOf(share.url))
      expect(response.status).toBe(302)
      const location = response.headers.get("location") ?? ""
      expect(new URL(location).pathname).toBe(objectPathOf(file.objectKey))
      expect(keyLifetimeSeconds(location)).toBeGreaterThanOrEqual(DOWNLOAD_TTL_SECONDS - 1)
      expect(keyLifetimeSeconds(location)).toBeLessThanOrEqual(DOWNLOAD_TTL_SECONDS)
      // Azure: the verified snapshot, never the blob a write key could still change.
      if (isAzure) expect(new URL(location).searchParams.get("snapshot")).toBeTruthy()
      const fetched = await fetch(location)
      expect(fetched.status).toBe(200)
      expect(sha256Hex(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256Hex(file.data))
      expect(fetched.headers.get("content-disposition")).toMatch(/^attachment;/)

      const audit = await query<Record<string, unknown>>(
        database.url,
        `SELECT * FROM "AuditEvent" WHERE "fileId" = $1 AND action = 'share.download'`,
        [file.id],
      )
      expect(audit).toHaveLength(1)
      expect(audit[0]).toMatchObject({
        actorId: null,
        via: "share",
        method: "GET",
        objectKey: file.objectKey,
        details: { shareId: share.id },
      })
      expect(JSON.stringify(audit)).not.toMatch(/X-Amz-|[?&]sig=|https?:\/\//)
      expect(JSON.stringify(audit)).not.toContain(tokenOf(share.url))
    })

    it("serves exactly 5 of 50 concurrent downloads on a limit of 5", async () => {
      const file = await uploadFile("popular.bin")
      const share = await createShareOk(file.id, { maxDownloads: 5 })
      const token = tokenOf(share.url)
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) => download(token, { ip: `198.51.100.${index + 10}` })),
      )
      const statuses = responses.map((response) => response.status)
      expect(statuses.filter((status) => status === 302)).toHaveLength(5)
      expect(statuses.filter((status) => status === 410)).toHaveLength(45)
      expect((await shareRow(share.id))?.downloads).toBe(5)
      const minted = await query(
        database.url,
        `SELECT id FROM "AuditEvent" WHERE "fileId" = $1 AND action = 'share.download'`,
        [file.id],
      )
      expect(minted).toHaveLength(5)
    })

    it("hands out keys that storage itself refuses once expired", async () => {
      const file = await uploadFile("short-lived.bin")
      const share = await createShareOk(file.id)
      const location = (await download(tokenOf(share.url))).headers.get("location") ?? ""
      expect((await fetch(location)).status).toBe(200)
      // DOWNLOAD_URL_TTL_SECONDS is 2 here (see the top of the file): after 3 s the key is dead.
      await new Promise((resolve) => setTimeout(resolve, (DOWNLOAD_TTL_SECONDS + 1) * 1000))
      const late = await fetch(location)
      await late.arrayBuffer()
      expect(late.status).toBe(403)
    })

    it("mints 60-second keys by default", async () => {
      const { parseServerEnv } = await import("@/lib/env")
      expect(
        parseServerEnv({ DATABASE_URL: "postgres://x/y", AUTH_SECRET: "x".repeat(32) }).DOWNLOAD_URL_TTL_SECONDS,
      ).toBe(60)
    })

    it.each([
      ['"><script>.html', '"><script>.html'],
      ["résumé (1).pdf", "résumé (1).pdf"],
      ["it's (almost) done!*.txt", "it's (almost) done!*.txt"],
      [`${"ü".repeat(60)} ${"x".repeat(135)}.bin`, `${"ü".repeat(60)} ${"x".repeat(135)}.bin`],
      // A separator cannot be part of a saved name: it becomes "_" (as browsers do) rather than
      // cutting the name down to what follows it.
      ['"><script>alert(1)</script>.html', '"><script>alert(1)<_script>.html'],
    ])("round-trips the file name %j in Content-Disposition", async (name, saved) => {
      expect(name.length).toBeLessThanOrEqual(200)
      const file = await uploadFile(name)
      const share = await createShareOk(file.id)
      const fetched = await fetch((await download(tokenOf(share.url))).headers.get("location") ?? "")
      expect(fetched.status).toBe(200)
      await fetched.arrayBuffer()
      const parsed = contentDisposition.parse(fetched.headers.get("content-disposition") ?? "")
      expect(parsed.type).toBe("attachment")
      expect(parsed.parameters.filename).toBe(saved)
    })

    it("sends the share page's form back to the page on a wrong password, and redirects on the right one", async () => {
      const file = await uploadFile("form.bin")
      const share = await createShareOk(file.id, { password: "correct horse" })
      const token = tokenOf(share.url)
      const wrong = await download(token, { form: true, password: "battery staple", ip: "203.0.113.200" })
      expect(wrong.status).toBe(303)
      expect(wrong.headers.get("location")).toBe(`/s/${token}?error=wrong_password`)
      const right = await download(token, { form: true, password: "correct horse", ip: "203.0.113.200" })
      expect(right.status).toBe(302)
      expect(new URL(right.headers.get("location") ?? "").pathname).toBe(objectPathOf(file.objectKey))
    })

    it("limits wrong passwords per link and address: 429 with Retry-After, other addresses unaffected", async () => {
      const file = await uploadFile("guarded.bin")
      const share = await createShareOk(file.id, { password: "the real one" })
      const token = tokenOf(share.url)
      for (let attempt = 0; attempt < 10; attempt++) {
        expect((await download(token, { password: `guess-${attempt}`, ip: "203.0.113.9" })).status).toBe(401)
      }
      const limited = await download(token, { password: "guess-10", ip: "203.0.113.9" })
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0)
      // Even the right password waits out the window from that address…
      expect((await download(token, { password: "the real one", ip: "203.0.113.9" })).status).toBe(429)
      // …while another address is not punished for it.
      expect((await download(token, { password: "the real one", ip: "203.0.113.10" })).status).toBe(302)
      expect((await shareRow(share.id))?.downloads).toBe(1)
    })
  })

  describe("what a recipient gets is what completion verified, typed so it cannot run", () => {
    it("a second PUT with the upload's still-valid URL cannot swap the bytes a recipient downloads", async () => {
      const data = new Uint8Array(randomBytes(2048))
      const headers = await browserHeaders(owner.id)
      const body = { name: "verified.bin", size: data.length, type: "application/octet-stream" }
      const granted = await routes.grant(apiRequest("POST", "/api/uploads", { body, headers }))
      const { upload } = await granted.json()
      expect((await fetch(upload.url, { method: "PUT", body: data, headers: upload.headers })).status).toBe(STORED)
      const completed = await routes.complete(
        apiRequest("POST", `/api/uploads/${upload.id}/complete`, { headers }),
        params("id", upload.id),
      )
      expect(completed.status).toBe(201)
      const { file } = await completed.json()
      const share = await createShareOk(file.id)

      const swap = await fetch(upload.url, {
        method: "PUT",
        body: new Uint8Array(randomBytes(data.length)),
        headers: upload.headers,
      })
      await swap.arrayBuffer()
      // S3: the URL's signed If-None-Match: * (412). Azure: the create-only `sp=c` SAS (403).
      expect(swap.status).toBe(isAzure ? 403 : 412)
      if (isAzure) {
        // A part key (`sp=w`) of a multipart upload can still rewrite the blob itself until it
        // expires, so on Azure the guarantee is that recipients read the snapshot completion took:
        // replace the base blob with other bytes (as such a key could) and the download is unchanged.
        const [row] = await query<{ objectKey: string }>(database.url, `SELECT "objectKey" FROM "File" WHERE id = $1`, [
          file.id,
        ])
        const other = new Uint8Array(randomBytes(data.length))
        await storage.putObjectStream({
          key: row?.objectKey ?? "",
          contentType: "application/octet-stream",
          body: new Blob([other]).stream(),
        })
        const base = await storage.readObject(row?.objectKey ?? "")
        expect(sha256Hex(new Uint8Array(await new Response(base).arrayBuffer()))).toBe(sha256Hex(other))
      }
      const response = await download(tokenOf(share.url))
      expect(response.status).toBe(302)
      const fetched = await fetch(response.headers.get("location") ?? "")
      expect(sha256Hex(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256Hex(data))
    })

    it.each([
      ["text/html", "application/octet-stream"],
      ["image/svg+xml", "application/octet-stream"],
      ["text/javascript", "application/octet-stream"],
      ["application/xml", "application/octet-stream"],
      ["image/png", "image/png"],
      ["text/plain", "text/plain"],
    ])("a file recorded as %s is served to a recipient as %s, always as an attachment", async (type, served) => {
      const file = await uploadFile(`typed.${type.split("/")[1]}`, new Uint8Array(randomBytes(80)), owner.id, type)
      const share = await createShareOk(file.id)
      const response = await download(tokenOf(share.url))
      const fetched = await fetch(response.headers.get("location") ?? "")
      await fetched.arrayBuffer()
      expect(fetched.status).toBe(200)
      expect(fetched.headers.get("content-type")).toBe(served)
      expect(fetched.headers.get("content-disposition")).toMatch(/^attachment;/)
    })
  })

  describe("HEAD requests and link-preview bots do not use up a download", () => {
    const bots = [
      "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
      "Twitterbot/1.0",
      "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
      "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
      "WhatsApp/2.23.20.0 A",
      "TelegramBot (like TwitterBot)",
      "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    ]
    const head = (token: string) =>
      routes.downloadHead(
        new Request(new URL(`/s/${token}/download`, APP_ORIGIN), { method: "HEAD" }),
        params("token", token),
      )
    const getAs = (token: string, agent: string) =>
      routes.downloadGet(
        apiRequest("GET", `/s/${token}/download`, {
          headers: { "user-agent": agent, "x-forwarded-for": "198.51.100.9" },
        }),
        params("token", token),
      )

    it("with a limit of 1: HEADs and every bot's GET leave the one download to the recipient", async () => {
      const file = await uploadFile("preview-me.bin")
      const share = await createShareOk(file.id, { maxDownloads: 1 })
      const token = tokenOf(share.url)
      const minted = async () =>
        Number(
          (
            await query<{ count: string }>(
              database.url,
              `SELECT count(*) FROM "AuditEvent" WHERE action = 'share.download' AND "fileId" = $1`,
              [file.id],
            )
          )[0]?.count,
        )

      for (let i = 0; i < 3; i++) {
        const response = await head(token)
        expect(response.status).toBe(200)
        expect(response.headers.get("location")).toBeNull()
      }
      for (const agent of bots) {
        const response = await getAs(token, agent)
        expect(response.status, agent).toBe(303)
        expect(response.headers.get("location")).toBe(`/s/${token}`)
      }
      expect((await shareRow(share.id))?.downloads).toBe(0)
      expect(await minted()).toBe(0)

      const person = await getAs(
        token,
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",
      )
      expect(person.status).toBe(302)
      const fetched = await fetch(person.headers.get("location") ?? "")
      expect(sha256Hex(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256Hex(file.data))
      expect((await shareRow(share.id))?.downloads).toBe(1)
      expect(await minted()).toBe(1)

      // Used up now: HEAD says so (410) and still counts nothing.
      expect((await head(token)).status).toBe(410)
      expect((await shareRow(share.id))?.downloads).toBe(1)
    })

    it("HEAD on an unknown link is a 404", async () => {
      expect((await head(randomBytes(32).toString("base64url"))).status).toBe(404)
    })
  })

  it("never logged a share token, presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    for (const token of issuedTokens) expect(text).not.toContain(token)
  })
})
