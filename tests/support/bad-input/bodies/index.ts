import type { BodyCase } from "@/tests/support/bad-input/values"
import { accountBodyCases } from "./accounts"
import { notificationBodyCases } from "./notifications"
import { shareBodyCases } from "./shares"
import { uploadBodyCases } from "./uploads"

/**
 * Per route that reads a JSON body ("POST uploads"), a valid body and the values each field must
 * refuse. Routes sharing a schema share one entry (the same object), and are then sampled.
 */
export async function loadBodyCases(): Promise<Record<string, BodyCase>> {
  return {
    ...(await accountBodyCases()),
    ...(await uploadBodyCases()),
    ...(await shareBodyCases()),
    ...(await notificationBodyCases()),
  }
}
