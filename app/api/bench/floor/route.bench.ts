// GET /api/bench/floor — the benchmark's floor: an empty route handler, so `npm run bench` can
// measure what Next.js itself costs per request in the same build and run as Valet's routes. Only
// the bench build compiles it (next.config.mjs adds the `bench.ts` page extension under
// VALET_BENCH_BUILD=1, into its own distDir); `npm run build` never sees this file
// (scripts/check-build.ts proves it on every production build).
export const GET = () => new Response(null, { status: 204 })
