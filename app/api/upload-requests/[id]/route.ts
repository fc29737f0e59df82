import { route } from "@/lib/route"
import { getOwnUploadRequest } from "@/lib/upload-requests"

// GET /api/upload-requests/:id — one request and the files it received
export const GET = route("user", async ({ user, params }) => Response.json(await getOwnUploadRequest(user, params.id)))
