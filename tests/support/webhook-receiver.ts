import { createHmac, timingSafeEqual } from "node:crypto"
import http from "node:http"
import type { AddressInfo } from "node:net"

export type ReceivedHook = { path: string; headers: http.IncomingHttpHeaders; body: string; at: number }
/** How the receiver answers the next request: a status, never (slow), or a huge body. */
export type ReceiverMode = { kind: "status"; status: number } | { kind: "hang" } | { kind: "huge"; bytes: number }

/** A real HTTP receiver on loopback that records every delivery and answers as told. */
export async function startWebhookReceiver(port = 0) {
  const received: ReceivedHook[] = []
  const modes: ReceiverMode[] = []
  let closedEarly = 0
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      received.push({
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      })
      const mode = modes.shift() ?? { kind: "status", status: 204 }
      if (mode.kind === "status") {
        response.writeHead(mode.status).end()
      } else if (mode.kind === "huge") {
        response.writeHead(200, { "content-type": "application/octet-stream" })
        const block = Buffer.alloc(16 * 1024, 120)
        let sent = 0
        const pump = () => {
          while (sent < mode.bytes) {
            sent += block.length
            if (!response.write(block)) return void response.once("drain", pump)
          }
          response.end()
        }
        response.on("close", () => {
          if (sent < mode.bytes) closedEarly++
        })
        pump()
      }
      // "hang": never answers; the sender's timeout must cut it off.
    })
  })
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve))
  const address = server.address() as AddressInfo
  return {
    port: address.port,
    url: (path = "/hook") => `http://127.0.0.1:${address.port}${path}`,
    received,
    answer: (...next: ReceiverMode[]) => void modes.push(...next),
    closedEarly: () => closedEarly,
    async stop() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Verifies X-Valet-Signature as a receiver would: HMAC-SHA256 of `${timestamp}.${body}`. */
export function isValidSignature(secret: string, hook: ReceivedHook): boolean {
  const timestamp = String(hook.headers["x-valet-timestamp"] ?? "")
  const signature = String(hook.headers["x-valet-signature"] ?? "")
  const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${hook.body}`).digest("hex")}`
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
}
