/**
 * A loopback TCP relay for fault tests: put it between an app instance and a service the other
 * tests share (storage, a database), then make the service "fail" for that instance alone.
 */
import { createConnection, createServer, type Socket } from "node:net"
import { freePort } from "@/scripts/services/ports"

/**
 * - `reset`: connections are reset as soon as they arrive (a crashed or restarting server);
 * - `blackhole`: connections are accepted and then nothing ever answers (a hung server, or a host
 *   behind a firewall that drops packets once the connection is up).
 */
export type RelayFault = "reset" | "blackhole"

export type TcpRelay = {
  /** The relay's own address, e.g. http://127.0.0.1:41234 for an HTTP target. */
  url: string
  port: number
  /** Cuts every open connection and fails new ones as `fault` says, until resume(). */
  pause(fault?: RelayFault): void
  resume(): void
  close(): Promise<void>
}

/** Listens on a free 127.0.0.1 port and forwards every connection to `target` (host:port or a URL). */
export async function startTcpRelay(target: string): Promise<TcpRelay> {
  const { hostname, port: targetPort, protocol } = new URL(target.includes("://") ? target : `tcp://${target}`)
  const host = hostname.replace(/^\[|\]$/g, "")
  const portNumber = Number(targetPort)
  if (!portNumber) throw new Error(`relay target ${target} has no port`)
  let fault: RelayFault | undefined
  const open = new Set<Socket>()
  const track = (socket: Socket) => {
    open.add(socket)
    socket.once("close", () => open.delete(socket))
    // A reset peer is the point of this relay, not an error worth crashing the test runner for.
    socket.on("error", () => undefined)
  }

  const server = createServer((client) => {
    track(client)
    if (fault === "reset") {
      client.resetAndDestroy()
      return
    }
    if (fault === "blackhole") {
      client.pause()
      return
    }
    const upstream = createConnection({ host, port: portNumber })
    track(upstream)
    client.pipe(upstream)
    upstream.pipe(client)
    // Either side going away takes the other with it, as a direct connection would.
    client.once("close", () => upstream.destroy())
    upstream.once("close", () => client.destroy())
  })
  const port = await freePort()
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => resolve())
  })

  const cutAll = () => {
    for (const socket of open) socket.resetAndDestroy()
  }
  return {
    url: `${protocol === "tcp:" ? "tcp:" : protocol}//127.0.0.1:${port}`,
    port,
    pause(next = "reset") {
      fault = next
      cutAll()
    },
    resume() {
      // Blackholed connections stay stuck for good: the client gives up on them, as it would.
      cutAll()
      fault = undefined
    },
    async close() {
      cutAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
