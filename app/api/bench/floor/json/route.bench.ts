// POST /api/bench/floor/json?bytes=N — the floor of a JSON route: reads the request's JSON body and
// answers 201 with a JSON body of N bytes, and does nothing else (no auth, no validation, no
// database, no signing). Against it `npm run bench` shows what Next.js itself costs per request for
// a body in and a body out, the shape of the key grant. Bench build only, like ../route.bench.ts.
export async function POST(request: Request) {
  await request.json()
  const bytes = Number(new URL(request.url).searchParams.get("bytes") ?? 0)
  const envelope = JSON.stringify({ pad: "" }).length
  return Response.json({ pad: "x".repeat(Math.max(0, bytes - envelope)) }, { status: 201 })
}
