import { beforeAll, describe, expect, it } from "vitest"
import de from "@/messages/de.json"
import { apiRequest } from "@/tests/support/app"
import {
  setUpAdminWorld,
  itNeverLoggedAKey,
  routes,
  asAdmin,
  json,
  uploadFile,
  owner,
  PROFILE,
  other,
  count,
} from "@/tests/support/admin/world"

/**
 * The audit log: every minted key (never a URL), filters, pages without repeats or gaps, and the
 * CSV export (RFC 4180 quoting, spreadsheet formulas defused).
 */
setUpAdminWorld()

// What the log is read for below, made here as it would be in a day of use: an account the admin
// created (new@example.com, in the CSV), and more events than one page of 7 (each upload records
// its key and its completion).
beforeAll(async () => {
  await json(
    await routes.users.POST(
      apiRequest("POST", "/api/admin/users", {
        body: { email: "new@example.com", password: "perfectly-fine-4" },
        headers: await asAdmin(),
      }),
    ),
    201,
  )
  for (const name of ["one.txt", "two.txt", "three.txt", "four.txt"]) await uploadFile(owner.id, name)
})

describe(`admin API on ${PROFILE} storage: audit log`, () => {
  describe("audit log", () => {
    type EventRow = {
      id: string
      action: string
      actor: { email: string } | null
      method: string | null
      objectKey: string | null
      expiresAt: string | null
      createdAt: string
    }
    const listAudit = async (search = "") =>
      json<{ events: EventRow[]; nextCursor: string | null }>(
        await routes.audit(apiRequest("GET", `/api/admin/audit${search}`, { headers: await asAdmin() })),
      )

    it("shows every minted key of an upload (never a URL) and filters by user, action family and time", async () => {
      const file = await uploadFile(other.id, "audited.txt")
      const { events } = await listAudit("?user=OTHER@example.com&action=upload")
      const put = events.find((event) => event.objectKey === file.objectKey && event.action === "upload.put")
      expect(put).toMatchObject({ action: "upload.put", method: "PUT", actor: { email: "other@example.com" } })
      // The completion that recorded the file is in the same family.
      expect(
        events.find((event) => event.objectKey === file.objectKey && event.action === "upload.complete"),
      ).toBeDefined()
      expect(new Date(put?.expiresAt ?? 0).getTime()).toBeGreaterThan(Date.now())
      expect(
        events.every((event) => event.action.startsWith("upload.") && event.actor?.email === "other@example.com"),
      ).toBe(true)
      expect(JSON.stringify(events)).not.toMatch(/X-Amz-Signature|[?&]sig=|https?:\/\//)

      expect((await listAudit(`?user=${other.id}&action=upload.put`)).events.map((event) => event.id)).toContain(
        put?.id,
      )
      // "upload" is a family, "uploa" is not a prefix up to a dot.
      expect((await listAudit("?action=uploa")).events).toEqual([])
      const future = new Date(Date.now() + 3_600_000).toISOString()
      expect((await listAudit(`?from=${encodeURIComponent(future)}`)).events).toEqual([])
      expect(
        (
          await listAudit(
            `?to=${encodeURIComponent(new Date(Date.parse(put?.createdAt ?? "") - 1).toISOString())}&action=upload.put&user=other@example.com`,
          )
        ).events.map((event) => event.id),
      ).not.toContain(put?.id)
    })

    it("pages newest first without repeats or gaps", async () => {
      const all = (await listAudit("?limit=200")).events.map((event) => event.id)
      const paged: string[] = []
      let cursor: string | null = null
      do {
        const page: { events: EventRow[]; nextCursor: string | null } = await listAudit(
          `?limit=7${cursor ? `&cursor=${cursor}` : ""}`,
        )
        paged.push(...page.events.map((event) => event.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(paged).toEqual(all)
      expect(all.length).toBeGreaterThan(7)
    })

    it.each([
      ["a date that is not one", "?from=yesterday"],
      ["a range that ends before it starts", "?from=2026-02-01&to=2026-01-01"],
      ["an action with odd characters", "?action=share';--"],
      ["an unknown format", "?format=xml"],
    ])("answers 400 for %s", async (_case, search) => {
      expect(
        (await routes.audit(apiRequest("GET", `/api/admin/audit${search}`, { headers: await asAdmin() }))).status,
      ).toBe(400)
    })

    it("exports the filtered log as CSV: a header, one row per event, quoting per RFC 4180", async () => {
      const response = await routes.audit(
        apiRequest("GET", "/api/admin/audit?format=csv&action=admin.user", { headers: await asAdmin() }),
      )
      expect(response.status).toBe(200)
      expect(response.headers.get("content-type")).toMatch(/^text\/csv/)
      expect(response.headers.get("content-disposition")).toMatch(
        /^attachment; filename="valet-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
      )
      const lines = (await response.text()).trimEnd().split("\r\n")
      // subject, actor_name and description came last, so scripts reading the older columns by position still work.
      expect(lines[0]).toBe(
        "time,action,actor,actor_id,via,method,object_key,key_expires_at,upload_id,file_id,details,subject,actor_name,description",
      )
      expect(lines).toHaveLength((await count("AuditEvent", `action LIKE 'admin.user.%'`)) + 1)
      expect(
        lines
          .slice(1)
          .every((line) =>
            /^\d{4}-\d{2}-\d{2}T[^,]+Z,admin\.user\.(create|update),(admin|other)@example\.com,c\w+,session,,,,,,"\{/.test(
              line,
            ),
          ),
      ).toBe(true)
      expect(lines.find((line) => line.includes("new@example.com"))).toContain(`""email"":""new@example.com""`)
      // The subject column names what the event is about: here the created account's address; the
      // description says the whole event as the log page does.
      expect(lines.find((line) => line.includes("new@example.com"))).toMatch(
        /,new@example\.com,[^,]*,[^,]+ — Account created by an admin: new@example\.com$/,
      )
    })

    it("writes the description in the admin's language (the language cookie, else Accept-Language)", async () => {
      const csv = async (headers: Record<string, string>) =>
        (
          await (
            await routes.audit(
              apiRequest("GET", "/api/admin/audit?format=csv&action=admin.user.create", {
                headers: { ...(await asAdmin()), ...headers },
              }),
            )
          ).text()
        )
          .trimEnd()
          .split("\r\n")
      const german = `${de.audit.actions.admin.user.create}: new@example.com`
      expect(german).not.toContain("Account created")
      expect((await csv({ "accept-language": "de-CH,de;q=0.9" })).find((line) => line.includes(german))).toBeDefined()
      const chosen = await csv({ "accept-language": "de", cookie: `${(await asAdmin()).cookie}; NEXT_LOCALE=en` })
      expect(chosen.find((line) => line.endsWith("Account created by an admin: new@example.com"))).toBeDefined()
      // The header stays the same in every language: scripts read it.
      expect((await csv({ "accept-language": "ar" }))[0]).toMatch(/,description$/)
    })

    it("defuses spreadsheet formulas: a cell that starts with + = - @ is exported with a leading quote", async () => {
      // An email is user input and ends up alone in the actor cell; "+cmd…" would run as a formula.
      const { user } = await json<{ user: { id: string } }>(
        await routes.users.POST(
          apiRequest("POST", "/api/admin/users", {
            body: { email: "+cmd@example.com", password: "perfectly-fine-6" },
            headers: await asAdmin(),
          }),
        ),
        201,
      )
      await uploadFile(user.id, "formula.txt")
      const response = await routes.audit(
        apiRequest(
          "GET",
          `/api/admin/audit?format=csv&action=upload.put&user=${encodeURIComponent("+cmd@example.com")}`,
          { headers: await asAdmin() },
        ),
      )
      const lines = (await response.text()).trimEnd().split("\r\n")
      expect(lines).toHaveLength(2)
      expect(lines[1]?.split(",").slice(1, 4)).toEqual(["upload.put", "'+cmd@example.com", user.id])
    })
  })

  itNeverLoggedAKey()
})
