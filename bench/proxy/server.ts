/**
 * The proxy baseline's server, started only by `npm run bench` (scripts/bench.ts) next to the
 * production app, with the same environment: a bare Node HTTP server in front of the route
 * handlers in bench/proxy/routes.ts, so the product's build holds no bench route and its env
 * schema no bench switch. Listens on 127.0.0.1:$PORT and prints "listening" once it does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { Readable } from "node:stream"
import type { ReadableStream as NodeReadableStream } from "node:stream/web"
import { GET, PUT } from "@/bench/proxy/routes"
import { ApiError, handleApiError } from "@/lib/errors"

const FILE_PATH = /^\/api\/bench\/proxy\/files\/([^/]+)$/

/** The Web Request the route handlers expect, its body streamed (never buffered) from the socket. */
function toRequest(incoming: IncomingMessage, origin: string): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === "string") headers.set(name, value)
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item)
  }
  const hasBody = incoming.method !== "GET" && incoming.method !== "HEAD"
  return new Request(new URL(incoming.url ?? "/", origin), {
    method: incoming.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit)
}

async function dispatch(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url)
  if (request.method === "PUT" && pathname === "/api/bench/proxy/uploads") return PUT(request)
  const file = FILE_PATH.exec(pathname)
  if (request.method === "GET" && file?.[1])
    return GET(request, { params: Promise.resolve({ id: decodeURIComponent(file[1]) }) })
  return handleApiError(new ApiError("not_found", "Not found"))
}

async function send(response: Response, outgoing: ServerResponse) {
  outgoing.writeHead(response.status, Object.fromEntries(response.headers))
  if (!response.body) return void outgoing.end()
  Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>).pipe(outgoing)
}

export function startProxyServer(port: number, origin = `http://localhost:${port}`) {
  const server = createServer((incoming, outgoing) => {
    dispatch(toRequest(incoming, origin))
      .then((response) => send(response, outgoing))
      .catch((error: unknown) => send(handleApiError(error), outgoing))
  })
  return new Promise<typeof server>((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? "0")
  void startProxyServer(port).then((server) => {
    const address = server.address()
    console.log(`listening on ${typeof address === "object" && address ? address.port : port}`)
  })
}
