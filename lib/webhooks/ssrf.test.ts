import { describe, expect, it } from "vitest"
import { isForbiddenAddress } from "@/lib/webhooks/ssrf"
import { signWebhookBody, webhookUrlProblem } from "@/lib/webhooks/send"

describe("isForbiddenAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "[::1]",
    "fe80::1",
    "fe80::1%eth0",
    "fd00::1",
    "fc00::5",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:a9fe:a9fe",
    "::ffff:10.1.2.3",
    "0:0:0:0:0:ffff:c0a8:0101",
    "::7f00:1",
    "64:ff9b::a00:1",
    "not an address",
    "",
  ])("refuses %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(true)
  })

  it.each([
    "8.8.8.8",
    "93.184.216.34",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "2001:db8::1",
  ])("allows %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(false)
  })
})

describe("webhookUrlProblem", () => {
  it("refuses non-http schemes, credentials and internal literals unless the host is allowed", () => {
    expect(webhookUrlProblem("ftp://example.com/", [])).toMatch(/http/)
    expect(webhookUrlProblem("https://u:p@example.com/", [])).toMatch(/credentials/)
    expect(webhookUrlProblem("http://[::ffff:127.0.0.1]/", [])).toMatch(/loopback/)
    expect(webhookUrlProblem("http://localhost:8080/", [])).toMatch(/this machine/)
    expect(webhookUrlProblem("http://127.0.0.1:8080/", ["127.0.0.1"])).toBeNull()
    expect(webhookUrlProblem("https://hooks.example.com/x", [])).toBeNull()
  })
})

describe("signWebhookBody", () => {
  it("is sha256= and the hex HMAC of timestamp.body (a known vector)", () => {
    // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
    expect(signWebhookBody("secret", "1700000000", '{"a":1}')).toBe(
      "sha256=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686",
    )
    expect(signWebhookBody("secret", "1700000000", '{"a":1}')).not.toBe(
      signWebhookBody("secret", "1700000001", '{"a":1}'),
    )
  })
})
