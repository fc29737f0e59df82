import Link from "next/link"
import { buttonClasses } from "@/components/ui/button"
import { accountPolicyFromEnv, type AccountUser } from "@/lib/accounts"
import { getCurrentUser } from "@/lib/auth"

const STEPS = [
  { title: "Ask", body: "Your browser asks Valet for permission to upload or download one file." },
  { title: "Mint", body: "Valet checks who you are and what you may do, then signs a key for one object, one operation, a few minutes." },
  { title: "Move", body: "Your browser talks to storage directly with that key. Valet never carries the bytes." },
]

export default async function HomePage() {
  const user = await getCurrentUser()
  return (
    <div className="space-y-12">
      {user ? <SignedInIntro user={user} /> : <SignedOutIntro registrationOpen={accountPolicyFromEnv().registration === "open"} />}
      <section aria-labelledby="how-it-works">
        <h2 id="how-it-works" className="mb-4 text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
          How it works
        </h2>
        <ol className="grid gap-4 sm:grid-cols-3">
          {STEPS.map((step, index) => (
            <li key={step.title} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
              <p className="text-xs font-medium text-brand-600 dark:text-brand-300">Step {index + 1}</p>
              <h3 className="mt-1 font-semibold">{step.title}</h3>
              <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">{step.body}</p>
            </li>
          ))}
        </ol>
      </section>
    </div>
  )
}

function SignedOutIntro({ registrationOpen }: { registrationOpen: boolean }) {
  return (
    <section className="space-y-6">
      <div className="space-y-4">
        <h1 className="text-4xl font-semibold tracking-tight">Share files without a middleman.</h1>
        <p className="max-w-2xl text-lg text-slate-600 dark:text-slate-300">
          Valet hands out <em>valet keys</em>: presigned storage URLs scoped to a single file, a single operation and a short expiry. Uploads and
          downloads go straight to storage.
        </p>
      </div>
      <div className="flex flex-wrap gap-3">
        {registrationOpen && (
          <Link href="/sign-up" className={buttonClasses()}>
            Create an account
          </Link>
        )}
        <Link href="/sign-in" className={buttonClasses({ variant: registrationOpen ? "secondary" : "primary" })}>
          Sign in
        </Link>
      </div>
    </section>
  )
}

function SignedInIntro({ user }: { user: AccountUser }) {
  return (
    <section className="space-y-6">
      <div className="space-y-2">
        <h1 className="text-4xl font-semibold tracking-tight">Welcome, {user.name?.trim() || user.email}.</h1>
        <p className="text-lg text-slate-600 dark:text-slate-300">You&apos;re signed in as {user.email}.</p>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <h2 className="font-semibold">API tokens</h2>
          <p className="mt-2 flex-1 text-sm text-slate-600 dark:text-slate-300">
            Let scripts and CI act as you with a personal token, and revoke it the moment it is no longer needed.
          </p>
          <Link href="/settings/tokens" className={buttonClasses({ variant: "secondary", className: "mt-4 self-start" })}>
            Manage API tokens
          </Link>
        </div>
        <div className="flex flex-col rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <h2 className="font-semibold">My files</h2>
          <p className="mt-2 flex-1 text-sm text-slate-600 dark:text-slate-300">
            Drop files to upload them straight to storage: big ones go in parallel parts you can pause and resume.
          </p>
          <Link href="/files" className={buttonClasses({ className: "mt-4 self-start" })}>
            Go to my files
          </Link>
        </div>
      </div>
    </section>
  )
}
