// GET /api/bench/floor/redirect/:token?bytes=N — the floor of a redirect: a dynamic segment, like
// /s/:token/download, and a 302 with a Location of N bytes, and nothing else (no database, no
// signing). Against it `npm run bench` shows what Next.js itself costs per request for the shape of
// a share download. Bench build only, like ../../route.bench.ts.
export async function GET(request: Request, context: { params: Promise<{ token: string }> }) {
  await context.params
  const bytes = Number(new URL(request.url).searchParams.get("bytes") ?? 0)
  const location = "http://127.0.0.1/" + "x".repeat(Math.max(0, bytes - "http://127.0.0.1/".length))
  return new Response(null, { status: 302, headers: { Location: location } })
}
