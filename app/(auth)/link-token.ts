/** The `token` of a mailed link (`?token=…`), or "" when the link was cut short. */
export async function readLinkToken(
  searchParams: Promise<Record<string, string | string[] | undefined>>,
): Promise<string> {
  const token = (await searchParams).token
  return typeof token === "string" ? token : ""
}

export type LinkSearchParams = Promise<Record<string, string | string[] | undefined>>
