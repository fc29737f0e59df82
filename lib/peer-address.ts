import type { IncomingMessage, Server } from "node:http"

/** The socket's peer address as stamped below; any copy a client sends is deleted first. */
export const PEER_ADDRESS_HEADER = "x-valet-peer-address"

const INSTALLED = Symbol.for("valet.peerAddressStamp")

type ServerPrototype = Server & { [INSTALLED]?: true }

/**
 * Puts the socket's peer address on every incoming request as PEER_ADDRESS_HEADER, after deleting
 * any copy the client sent, before Next.js reads the headers.
 *
 * Why here: Next.js gives route handlers and proxy.ts a Request without a socket (`request.ip`
 * went away in Next 15), and the only address it passes on, X-Forwarded-For, it fills from the
 * socket only when the client sent none (base-server: `headers['x-forwarded-for'] ??= …`), so a
 * client chooses it. The socket is reachable only at the HTTP server, which `next start`, `next
 * dev` and the standalone server.js all create from node:http: the server's `request` event is
 * wrapped once per process (instrumentation.ts calls this at start, before any route runs).
 */
export function installPeerAddressStamp(http: { Server: { prototype: Server } }): void {
  const prototype = http.Server.prototype as ServerPrototype
  if (Object.hasOwn(prototype, INSTALLED)) return
  const emit = prototype.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean
  prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    // `checkContinue` stands in for `request` when a client sends `Expect: 100-continue`.
    if (event === "request" || event === "checkContinue") stampPeerAddress(args[0] as IncomingMessage)
    return emit.call(this, event, ...args)
  } as Server["emit"]
  prototype[INSTALLED] = true
}

export function stampPeerAddress(request: Pick<IncomingMessage, "headers" | "socket">): void {
  // Node joins repeated headers into one value; deleting the key drops every copy the client sent.
  delete request.headers[PEER_ADDRESS_HEADER]
  request.headers[PEER_ADDRESS_HEADER] = request.socket?.remoteAddress ?? "unknown"
}
