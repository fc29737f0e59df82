const STEPS = [
  { title: "Ask", body: "Your browser asks Valet for permission to upload or download one file." },
  { title: "Mint", body: "Valet checks who you are and what you may do, then signs a key for one object, one operation, a few minutes." },
  { title: "Move", body: "Your browser talks to storage directly with that key. Valet never carries the bytes." },
]

export default function HomePage() {
  return (
    <div className="space-y-12">
      <section className="space-y-4">
        <h1 className="text-4xl font-semibold tracking-tight">Share files without a middleman.</h1>
        <p className="max-w-2xl text-lg text-slate-600 dark:text-slate-300">
          Valet hands out <em>valet keys</em>: presigned storage URLs scoped to a single file, a single
          operation and a short expiry. Uploads and downloads go straight to storage.
        </p>
      </section>
      <section aria-labelledby="how-it-works">
        <h2 id="how-it-works" className="mb-4 text-sm font-semibold uppercase tracking-wide text-slate-500">
          How it works
        </h2>
        <ol className="grid gap-4 sm:grid-cols-3">
          {STEPS.map((step, index) => (
            <li key={step.title} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
              <p className="text-xs font-medium text-brand-600">Step {index + 1}</p>
              <h3 className="mt-1 font-semibold">{step.title}</h3>
              <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">{step.body}</p>
            </li>
          ))}
        </ol>
      </section>
      <section className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-500 dark:border-slate-700">
        <p className="font-medium text-slate-700 dark:text-slate-200">No files yet</p>
        <p className="mt-1 text-sm">Sign-in and uploads arrive next; the storage and database behind them are already running.</p>
      </section>
    </div>
  )
}
