import { DataTable, Th } from "@/components/ui/data-table"
import type { Metadata } from "next"
import Link from "next/link"
import { UploadRequestCloseButton } from "@/components/upload-request-close-button"
import { UploadRequestCreateForm } from "@/components/upload-request-create-form"
import { FormattedDate } from "@/components/ui/formatted-date"
import { requirePageUser } from "@/lib/auth"
import { getEnv } from "@/lib/env"
import { listUploadRequests } from "@/lib/upload-requests"
import { formatBytes } from "@/lib/upload-layout"

export const metadata: Metadata = { title: "Upload requests" }

const STATE_LABEL = { open: "Open", expired: "Expired", closed: "Closed" } as const

export default async function UploadRequestsPage() {
  const account = await requirePageUser("/requests")
  const requests = await listUploadRequests({ ...account, via: "session" })
  return (
    <div className="space-y-10">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">Upload requests</h1>
        <p className="text-slate-600 dark:text-slate-300">
          A link that lets anyone send you files, without an account, within the limits you set. They can send, never see or take.
        </p>
      </header>
      <section aria-labelledby="new-request-heading" className="space-y-3">
        <h2 id="new-request-heading" className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">New link</h2>
        <UploadRequestCreateForm maxFileSizeCap={getEnv().MAX_FILE_SIZE_BYTES} />
      </section>
      <section aria-labelledby="requests-heading" className="space-y-3">
        <h2 id="requests-heading" className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Your links</h2>
        {requests.length === 0 ? (
          <div className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-500 dark:border-slate-700 dark:text-slate-400">
            <p className="font-medium text-slate-700 dark:text-slate-200">No upload requests yet</p>
            <p className="mt-1 text-sm">Create a link above and send it to whoever has files for you.</p>
          </div>
        ) : (
          <DataTable
            caption="Your upload requests, newest first"
            head={
              <>
                <Th>Title</Th>
                <Th>State</Th>
                <Th>Received</Th>
                <Th className="hidden sm:table-cell">Open until</Th>
                <Th srOnly>Actions</Th>
              </>
            }
          >
                {requests.map((request) => (
                  <tr key={request.id}>
                    <th scope="row" className="max-w-xs truncate px-4 py-3 text-left font-medium">
                      <Link href={`/requests/${request.id}`} className="text-brand-600 hover:text-brand-700 dark:text-brand-300 dark:hover:text-brand-200">{request.title}</Link>
                    </th>
                    <td className="px-4 py-3">{STATE_LABEL[request.state]}</td>
                    <td className="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300">
                      {request.filesReceived} of {request.maxFiles} · {formatBytes(request.bytesReceived)}
                    </td>
                    <td className="hidden whitespace-nowrap px-4 py-3 text-slate-600 sm:table-cell dark:text-slate-300">
                      {request.expiresAt ? <FormattedDate value={request.expiresAt.toISOString()} withTime /> : "Until closed"}
                    </td>
                    <td className="px-4 py-3 text-right">{request.state === "open" && <UploadRequestCloseButton id={request.id} title={request.title} />}</td>
                  </tr>
                ))}
          </DataTable>
        )}
      </section>
    </div>
  )
}
