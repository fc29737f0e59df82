import { describe, expect, it } from "vitest"
import { appLink, emailChangeNoticeMail, passwordResetMail } from "@/lib/mail/templates"
import { outboxBackoffSeconds } from "@/lib/outbox"
import { parseMail } from "@/scripts/services/mail-catcher"

describe("mail templates", () => {
  it("builds links from APP_URL alone, whatever the path holds", () => {
    expect(appLink("https://valet.example.com", "/reset-password", { token: "a b&c" })).toBe(
      "https://valet.example.com/reset-password?token=a+b%26c",
    )
  })

  it("escapes what it puts into HTML and has no images or tracking", () => {
    const mail = emailChangeNoticeMail("en", "old@example.com", '"><img src=x>@example.com')
    expect(mail.html).not.toContain("<img")
    expect(mail.html).toContain("&quot;&gt;&lt;img src=x&gt;@example.com")
    expect(mail.text).toContain('"><img src=x>@example.com')
    const reset = passwordResetMail("en", "ada@example.com", "https://valet.example.com/reset-password?token=t")
    expect(reset.subject).toBe("Reset your password · Valet")
    expect(reset.html.match(/https?:\/\/[^"<\s]+/g)).toEqual([
      "https://valet.example.com/reset-password?token=t",
      "https://valet.example.com/reset-password?token=t",
    ])
  })
})

describe("outbox backoff", () => {
  it("doubles from 5 s, caps at an hour, and jitters by at most 20 %", () => {
    expect([1, 2, 3, 4].map((attempts) => outboxBackoffSeconds(attempts, 0.5))).toEqual([5, 10, 20, 40])
    expect(outboxBackoffSeconds(30, 0.5)).toBe(3600)
    expect(outboxBackoffSeconds(1, 0)).toBe(4)
    expect(outboxBackoffSeconds(1, 1)).toBe(6)
  })
})

describe("the catcher's MIME reader", () => {
  it("decodes quoted-printable multipart mail and encoded-word subjects", () => {
    const raw = [
      "From: Valet <valet@localhost>",
      "Subject: =?UTF-8?Q?Reset_your_password_=C2=B7_Valet?=",
      'Content-Type: multipart/alternative; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "Go to http://localhost:3000/reset-password?token=3Dabc and =",
      "continue =C2=B7 done",
      "--b1",
      "Content-Type: text/html; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("<p>hi</p>").toString("base64"),
      "--b1--",
    ].join("\r\n")
    const mail = parseMail(raw)
    expect(mail.subject).toBe("Reset your password · Valet")
    expect(mail.text).toBe("Go to http://localhost:3000/reset-password?token=abc and continue · done")
    expect(mail.html).toBe("<p>hi</p>")
    expect(mail.links).toEqual(["http://localhost:3000/reset-password?token=abc"])
  })
})
