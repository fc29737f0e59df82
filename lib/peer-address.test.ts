import { createServer, Server } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "vitest"
import { installPeerAddressStamp, PEER_ADDRESS_HEADER } from "@/lib/peer-address"

describe("installPeerAddressStamp", () => {
  it("stamps the socket's address on every request and drops any copy the client sent", async () => {
    // A subclass, so the wrapper lands on its prototype and the process's own servers stay untouched.
    class TestServer extends Server {}
    installPeerAddressStamp({ Server: TestServer })
    installPeerAddressStamp({ Server: TestServer }) // a second call must not wrap twice
    const seen: (string | string[] | undefined)[] = []
    const server = new TestServer((request, response) => {
      seen.push(request.headers[PEER_ADDRESS_HEADER])
      response.end()
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    try {
      await fetch(`http://127.0.0.1:${port}/`)
      await fetch(`http://127.0.0.1:${port}/`, {
        headers: { [PEER_ADDRESS_HEADER]: "203.0.113.66", "x-forwarded-for": "203.0.113.66" },
      })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    expect(seen).toEqual(["127.0.0.1", "127.0.0.1"])
  })

  it("leaves servers it was not installed on alone", async () => {
    const server = createServer((request, response) => response.end(String(request.headers[PEER_ADDRESS_HEADER])))
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("undefined")
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
